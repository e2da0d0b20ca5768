using SecretHook.Cli.Tests.GitIntegration;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Integrations;

/// <summary>
/// Issue 13's controls: <c>--exit-code</c> (never masking errors), history selection for <c>commits</c>
/// and <c>baseline create --commits</c>, and the inline markers of gitleaks and detect-secrets.
/// </summary>
public sealed class ControlOptionsTests
{
    private static readonly string Token = TestSecrets.HuggingFace(1401);
    private static readonly string Other = TestSecrets.HuggingFace(1402);

    [Fact]
    public void Exit_code_sets_the_code_for_findings_and_never_masks_errors()
    {
        using var dir = new TempDir();
        dir.Write("a.py", $"t = \"{Token}\"\n");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan", "--exit-code", "0"]).ExitCode);
        Assert.Equal(7, CliHarness.Run(dir.Path, ["scan", "--exit-code", "7"]).ExitCode);
        Assert.Equal(2, CliHarness.Run(dir.Path, ["scan", "missing", "--exit-code", "0"]).ExitCode);
        Assert.Equal(2, CliHarness.Run(dir.Path, ["scan", "--exit-code", "2"]).ExitCode);
        File.Delete(Path.Combine(dir.Path, "a.py"));
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan", "--exit-code", "7"]).ExitCode);
    }

    [Fact]
    public void Commits_filters_by_date_author_count_and_path()
    {
        using var repo = new GitTestRepo();
        repo.Write("old/a.py", $"t = \"{Token}\"\n");
        repo.Git("add", "-A");
        var old = new Dictionary<string, string> { ["GIT_AUTHOR_DATE"] = "2020-01-01T00:00:00Z", ["GIT_COMMITTER_DATE"] = "2020-01-01T00:00:00Z" };
        Assert.Equal(0, GitTestRepo.GitAllowingFailure(repo.Root, null, old, "-c", "user.name=Alice", "commit", "-q", "-m", "old").ExitCode);
        repo.Write("new/b.py", $"t = \"{Other}\"\n");
        repo.Git("add", "-A");
        repo.GitIn(repo.Root, "-c", "user.name=Bob", "commit", "-q", "-m", "new");
        List<string> Files(params string[] args) => [.. GitTestRepo.Findings(repo.Secrethook(["commits", "-f", "json", .. args])).Select(f => f.File)];
        Assert.Equal(["new/b.py", "old/a.py"], Files("--all").Order());
        Assert.Equal(["new/b.py"], Files("--all", "--since", "2023-01-01"));
        Assert.Equal(["old/a.py"], Files("--all", "--until", "2021-01-01"));
        Assert.Equal(["old/a.py"], Files("--all", "--author", "Alice"));
        Assert.Equal(["new/b.py"], Files("--max-count", "1"));
        Assert.Equal(["old/a.py"], Files("--all", "--", "old"));
        Assert.Equal(2, repo.Secrethook(["commits", "--all", "--max-count", "zero"]).ExitCode);

        var baseline = repo.Secrethook(["baseline", "create", "--commits", "--all", "--since", "2023-01-01"]);
        Assert.True(baseline.ExitCode == 0, baseline.Stderr);
        Assert.Contains("new/b.py", baseline.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("old/a.py", baseline.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("# gitleaks:allow")]
    [InlineData("# pragma: allowlist secret")]
    [InlineData("// SECRETHOOK:ALLOW")]
    public void Inline_markers_of_other_tools_are_honoured_and_can_be_turned_off(string marker)
    {
        using var dir = new TempDir();
        dir.Write("a.py", $"t = \"{Token}\"  {marker}\n");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
        dir.Write(".secrethook.yaml", "compatible-markers: false\n");
        Assert.Equal(marker.Contains("SECRETHOOK", StringComparison.Ordinal) ? 0 : 1, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
    }
}
