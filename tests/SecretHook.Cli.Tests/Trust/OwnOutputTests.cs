using SecretHook.Cli.Tests.GitIntegration;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Trust;

/// <summary>
/// Issue 8.6: reports (every format), baselines and ignore files that secrethook wrote into the tree
/// are never findings on the next scan — recognised by what they hold (fingerprints, redacted
/// secrets), not by where they are.
/// </summary>
public sealed class OwnOutputTests
{
    [Fact]
    public void Reports_baselines_and_ignore_files_saved_in_the_tree_are_not_findings()
    {
        using var repo = new GitTestRepo();
        repo.Write("app/settings.py", $"HF_TOKEN = \"{TestSecrets.HuggingFace(831)}\"\nDB_PASSWORD = \"{TestSecrets.Draw("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", 10, 834)}{TestSecrets.Draw("0123456789", 4, 835)}{TestSecrets.Draw("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789", 10, 836)}\"\n");
        repo.Write("src/api.ts", $"const keys = [\"{TestSecrets.HuggingFace(832)}\", \"{TestSecrets.HuggingFace(833)}\"];\n");
        var first = repo.Secrethook(["scan", "-f", "json"]);
        Assert.Equal(1, first.ExitCode);
        int findings = GitTestRepo.Findings(first).Count;
        Assert.True(findings >= 3, first.Stdout);
        Directory.CreateDirectory(Path.Combine(repo.Root, "reports"));
        foreach (var format in new[] { "text", "json", "sarif", "junit", "github" })
        {
            Assert.Equal(1, repo.Secrethook(["scan", "app", "src", "-f", format, "-o", $"reports/report.{format}"]).ExitCode);
            // The text report as it appears in a CI log (stdout and stderr together) too.
            var shown = repo.Secrethook(["scan", "-f", format]);
            repo.Write($"logs/{format}.log", shown.Stdout + shown.Stderr);
        }
        Assert.Equal(0, repo.Secrethook(["baseline", "create", "app", "src", "-o", ".secrethook-baseline.json"]).ExitCode);
        Assert.Equal(0, repo.Secrethook(["baseline", "create", "app", "src", "-o", "ci/known.json"]).ExitCode);
        repo.Write("docs/.secrethookignore", string.Join("\n", repo.Secrethook(["scan", "-f", "json"]).Stdout.Split('\n')
            .Where(l => l.Contains("\"fingerprint\"", StringComparison.Ordinal)).Select(l => l.Trim().Split('"')[3] + "  # reviewed")) + "\n");
        var again = repo.Secrethook(["scan", "-f", "json"]);
        var files = GitTestRepo.Findings(again).Select(f => f.File).Distinct().ToList();
        Assert.Equal(["app/settings.py", "src/api.ts"], files);
        Assert.Equal(findings, GitTestRepo.Findings(again).Count);
    }
}
