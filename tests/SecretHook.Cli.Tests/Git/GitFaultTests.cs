using System.Runtime.Versioning;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// git missing, failing, killed or cut off: every git command exits 2 with the reason — a hook
/// blocks — and never passes on output it could not read whole. The faults come from a stub
/// <c>git</c> first on the <c>PATH</c> given to the command; the stub hands every other call to the
/// real git, and a control case shows its output really is what gets scanned.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class GitFaultTests
{
    private static readonly string Token = TestSecrets.HuggingFace(81);

    private static readonly string RealGit = GitRunner.Executable(Environment.GetEnvironmentVariable)
        ?? throw new InvalidOperationException("git is not installed");

    private static string Diff(string line) =>
        $"diff --git a/f.txt b/f.txt\\nnew file mode 100644\\nindex 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111\\n--- /dev/null\\n+++ b/f.txt\\n@@ -0,0 +1,3 @@\\n+{line}\\n";

    /// <summary>A repository with a staged clean file, one commit, and a stub git answering <paramref name="match"/> with <paramref name="body"/>.</summary>
    private static (GitTestRepo Repo, Dictionary<string, string> Vars) WithStub(string match, string body)
    {
        var repo = new GitTestRepo();
        repo.Write("a.txt", "base\n");
        repo.CommitAll("base");
        repo.Write("a.txt", "base\nclean\n");
        repo.Git("add", "-A");
        string bin = Path.Combine(repo.Scratch, "stub-bin");
        Directory.CreateDirectory(bin);
        string stub = Path.Combine(bin, "git");
        File.WriteAllText(stub, $"#!/bin/sh\ncase \" $* \" in\n*{match}*)\n{body}\n;;\nesac\nexec '{RealGit}' \"$@\"\n");
        File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (repo, new Dictionary<string, string> { ["PATH"] = bin + ":/usr/bin:/bin" });
    }

    private const string StagedDiff = "\" diff --cached \"";
    private const string Log = "\" log -p \"";

    [Fact]
    public void Control_the_stub_output_is_what_gets_scanned()
    {
        var (repo, vars) = WithStub(StagedDiff, $"printf '{Diff("token=" + Token)}+two\\n+three\\n'; exit 0");
        using var _ = repo;

        var result = repo.Secrethook(["staged", "--format", "json"], variables: vars);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("f.txt", 1), Assert.Single(GitTestRepo.Findings(result)) is var f ? (f.File, f.Line) : default);
    }

    [Fact]
    public void Git_missing_is_exit_2_with_the_reason()
    {
        using var repo = new GitTestRepo();
        string empty = Path.Combine(repo.Scratch, "empty-bin");
        Directory.CreateDirectory(empty);
        foreach (var args in (string[][])[["staged"], ["commits", "--all"], ["ci"]])
        {
            var result = repo.Secrethook(args, variables: new Dictionary<string, string> { ["PATH"] = empty });

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("git is not installed", result.Stderr);
        }
    }

    [Fact]
    public void Git_failing_is_exit_2_with_its_message()
    {
        var (repo, vars) = WithStub(StagedDiff, "echo 'fatal: simulated disk error' >&2; exit 128");
        using var _ = repo;

        var result = repo.Secrethook(["staged"], variables: vars);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("simulated disk error", result.Stderr);
    }

    [Theory]
    [InlineData("kill -9 $$")]
    [InlineData("kill -TERM $$")]
    [InlineData("exit 0")]
    [InlineData("printf '+cut in the mid'; exit 0")]
    public void Staged_diff_cut_off_or_killed_mid_stream_is_exit_2(string end)
    {
        var (repo, vars) = WithStub(StagedDiff, $"printf '{Diff("token=" + Token)}'; {end}");
        using var _ = repo;

        var result = repo.Secrethook(["staged"], variables: vars);

        Assert.Equal(2, result.ExitCode);
        Assert.Matches("cut off|signal", result.Stderr);
    }

    [Fact]
    public void Staged_diff_killed_between_files_is_exit_2()
    {
        var (repo, vars) = WithStub(StagedDiff, $"printf '{Diff("one")}+two\\n+three\\n'; kill -9 $$");
        using var _ = repo;

        var result = repo.Secrethook(["staged"], variables: vars);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("signal 9", result.Stderr);
    }

    [Theory]
    [InlineData("commits", "--all")]
    [InlineData("ci", "")]
    public void History_killed_mid_stream_is_exit_2(string command, string arg)
    {
        var (repo, vars) = WithStub(Log, $"printf '\\001{new string('a', 40)}\\000subject\\000me\\0002024-01-01T00:00:00Z\\n\\n{Diff("x")}'; kill -9 $$");
        using var _ = repo;
        string[] args = arg.Length == 0 ? [command] : [command, arg];

        var result = repo.Secrethook(args, variables: vars);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("signal 9", result.Stderr);
    }

    [Fact]
    public void Pre_push_with_git_killed_blocks()
    {
        var (repo, vars) = WithStub(Log, "kill -9 $$");
        using var _ = repo;
        string head = repo.Git("rev-parse", "HEAD").Trim();

        var result = repo.Secrethook(["pre-push", "origin", "/nowhere"], $"refs/heads/main {head} refs/heads/main {new string('0', 40)}\n", variables: vars);

        Assert.Equal(2, result.ExitCode);
    }

    [Theory]
    [InlineData("kill -9 $$")]
    [InlineData("printf '1111111111111111111111111111111111111111 blob 100\\nshort'; exit 0")]
    [InlineData("echo 'fatal: simulated' >&2; exit 128")]
    public void Blob_reader_killed_or_cut_off_is_exit_2(string body)
    {
        var (repo, vars) = WithStub("\" cat-file --batch \"", body);
        using var _ = repo;
        repo.Write(".gitattributes", "*.ipynb -diff\n");
        repo.Write("nb.ipynb", $"{{\"token\": \"{Token}\"}}\n");
        repo.Git("add", "-A");

        var result = repo.Secrethook(["staged"], variables: vars);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cat-file", result.Stderr);
    }
}
