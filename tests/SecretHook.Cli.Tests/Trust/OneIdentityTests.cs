using System.Text.Json;
using SecretHook.Cli.Tests.GitIntegration;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Trust;

/// <summary>
/// Issue 8.4: one secret has one fingerprint whichever way it is scanned — the root, a subdirectory,
/// <c>./sub</c>, an absolute path, from inside the subdirectory, staged, commits — and an ignore entry or
/// baseline made one way suppresses it every other way; <c>allowlist.paths</c> (relative to the
/// repository root) still matches when a subdirectory is scanned.
/// </summary>
public sealed class OneIdentityTests
{
    private static readonly string Token = TestSecrets.HuggingFace(801);

    private static List<string> Fingerprints(CliResult r) =>
        [.. JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("fingerprint").GetString()!)];

    private static GitTestRepo Repo()
    {
        var repo = new GitTestRepo();
        repo.Write("sub/deep/app.py", $"HF = \"{Token}\"\n");
        return repo;
    }

    /// <summary>Every way of scanning the one file, as (working directory, arguments).</summary>
    private static IEnumerable<(string Cwd, string[] Args)> Ways(GitTestRepo repo)
    {
        string sub = Path.Combine(repo.Root, "sub");
        yield return (repo.Root, ["scan", "-f", "json"]);
        yield return (repo.Root, ["scan", ".", "-f", "json"]);
        yield return (repo.Root, ["scan", "sub", "-f", "json"]);
        yield return (repo.Root, ["scan", "./sub/", "-f", "json"]);
        yield return (repo.Root, ["scan", "sub/deep/app.py", "-f", "json"]);
        yield return (repo.Scratch, ["scan", sub, "-f", "json"]);
        yield return (sub, ["scan", ".", "-f", "json"]);
        yield return (Path.Combine(sub, "deep"), ["scan", "-f", "json"]);
        yield return (sub, ["staged", "-f", "json"]);
        yield return (sub, ["commits", "--all", "-f", "json"]);
    }

    [Fact]
    public void One_secret_has_one_fingerprint_whichever_way_it_is_scanned()
    {
        using var repo = Repo();
        repo.Git("add", "-A");
        var seen = new List<string>();
        foreach (var (cwd, args) in Ways(repo))
        {
            if (args[0] == "commits")
            {
                continue; // nothing committed yet
            }
            var r = repo.Secrethook(args, directory: cwd);
            Assert.True(r.ExitCode == 1, $"{string.Join(' ', args)} in {cwd}: exit {r.ExitCode} {r.Stderr}");
            seen.Add(Assert.Single(Fingerprints(r)));
        }
        repo.Git("commit", "-q", "-m", "add app");
        var history = repo.Secrethook(["commits", "--all", "-f", "json"], directory: Path.Combine(repo.Root, "sub"));
        seen.Add(Assert.Single(Fingerprints(history)));
        Assert.Single(seen.Distinct());
        Assert.StartsWith("sub/deep/app.py:huggingface-user-token:", seen[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_ignore_entry_made_one_way_suppresses_every_other_way()
    {
        using var repo = Repo();
        repo.Git("add", "-A");
        repo.Git("commit", "-q", "-m", "add app");
        string fingerprint = Assert.Single(Fingerprints(repo.Secrethook(["scan", Path.Combine(repo.Root, "sub"), "-f", "json"], directory: repo.Scratch)));
        repo.Write(".secrethookignore", fingerprint + "  # reviewed\n");
        repo.Git("add", ".secrethookignore");
        foreach (var (cwd, args) in Ways(repo))
        {
            var r = repo.Secrethook(args, directory: cwd);
            Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)} in {cwd}: exit {r.ExitCode}\n{r.Stdout}{r.Stderr}");
        }
    }

    [Fact]
    public void A_baseline_made_one_way_suppresses_every_other_way()
    {
        using var repo = Repo();
        repo.Git("add", "-A");
        repo.Git("commit", "-q", "-m", "add app");
        var made = repo.Secrethook(["baseline", "create", "-o", Path.Combine(repo.Scratch, "known.json")], directory: Path.Combine(repo.Root, "sub", "deep"));
        Assert.Equal(0, made.ExitCode);
        foreach (var (cwd, args) in Ways(repo))
        {
            var r = repo.Secrethook([.. args, "--baseline", Path.Combine(repo.Scratch, "known.json")], directory: cwd);
            Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)} in {cwd}: exit {r.ExitCode}\n{r.Stdout}{r.Stderr}");
        }
    }

    [Fact]
    public void Allowlist_paths_are_relative_to_the_repository_root_when_a_subdirectory_is_scanned()
    {
        using var repo = Repo();
        repo.Write(".secrethook.yaml", "allowlist:\n  paths: ['sub/deep/**']\n");
        repo.Git("add", "-A");
        foreach (var (cwd, args) in Ways(repo).Where(w => w.Args[0] != "commits"))
        {
            var r = repo.Secrethook(args, directory: cwd);
            Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)} in {cwd}: exit {r.ExitCode}\n{r.Stdout}{r.Stderr}");
        }
    }

    [Fact]
    public void Sarif_uris_are_repository_relative_whichever_way_it_is_scanned()
    {
        using var repo = Repo();
        foreach (var cwd in new[] { repo.Root, Path.Combine(repo.Root, "sub", "deep") })
        {
            var r = repo.Secrethook(["scan", ".", "-f", "sarif"], directory: cwd);
            string uri = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("runs")[0].GetProperty("results")[0]
                .GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!;
            Assert.Equal("sub/deep/app.py", uri);
        }
    }

    [Fact]
    public void The_text_report_shows_the_path_as_given()
    {
        using var repo = Repo();
        Assert.StartsWith("deep/app.py\n", repo.Secrethook(["scan", "."], directory: Path.Combine(repo.Root, "sub")).Stdout, StringComparison.Ordinal);
        Assert.StartsWith("sub/deep/app.py\n", repo.Secrethook(["scan", "./sub"]).Stdout, StringComparison.Ordinal);
    }
}
