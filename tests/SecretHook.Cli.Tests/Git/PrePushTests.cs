using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// <c>secrethook pre-push</c>: reads every line git gives the hook and scans only the commits the push
/// adds to the remote (a bare repository in the same temp dir).
/// </summary>
public sealed class PrePushTests
{
    private const string Zero = "0000000000000000000000000000000000000000";
    private static readonly string Token = TestSecrets.HuggingFace(31);
    private static readonly string OtherToken = TestSecrets.HuggingFace(32);

    /// <summary>A repository with a bare "origin" that has <c>main</c> (one clean commit).</summary>
    private static (GitTestRepo Repo, string Origin) WithOrigin()
    {
        var repo = new GitTestRepo();
        string origin = Path.Combine(repo.Scratch, "origin.git");
        repo.GitIn(repo.Scratch, "init", "-q", "--bare", origin);
        repo.Git("remote", "add", "origin", origin);
        repo.Write("README.md", "hello\n");
        repo.CommitAll("initial");
        repo.Git("push", "-q", "--no-verify", "origin", "main");
        return (repo, origin);
    }

    private static string[] PrePush(string origin) => ["pre-push", "origin", origin, "--format", "json"];

    [Fact]
    public void New_branch_with_an_old_commit_containing_a_token_is_blocked_and_names_the_commit()
    {
        var (repo, origin) = WithOrigin();
        using var _ = repo;
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("settings.env", $"A=1\nHF_TOKEN={Token}\n");
        string leaky = repo.CommitAll("add settings");
        repo.Write("settings.env", "A=1\nHF_TOKEN=${HF_TOKEN}\n");
        string tip = repo.CommitAll("read the token from the environment");

        var result = repo.SecrethookUnchanged(PrePush(origin), $"refs/heads/feature {tip} refs/heads/feature {Zero}\n");

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("settings.env", 2, leaky, "add settings"), (finding.File, finding.Line, finding.CommitSha, finding.CommitSubject));
        var text = repo.Secrethook(["pre-push", "origin", origin], $"refs/heads/feature {tip} refs/heads/feature {Zero}\n");
        Assert.Contains($"commit {leaky[..8]} \"add settings\"", text.Stdout);
        Assert.Contains("push blocked", text.Stderr);
    }

    [Fact]
    public void New_branch_does_not_rescan_commits_the_remote_already_has()
    {
        var (repo, origin) = WithOrigin();
        using var _ = repo;
        repo.Write("legacy.txt", $"token={Token}\n");
        repo.CommitAll("legacy token, already public");
        repo.Git("push", "-q", "--no-verify", "origin", "main");
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("new.txt", "clean\n");
        string tip = repo.CommitAll("clean work");

        var result = repo.SecrethookUnchanged(PrePush(origin), $"refs/heads/feature {tip} refs/heads/feature {Zero}\n");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(GitTestRepo.Findings(result));
    }

    [Fact]
    public void Update_of_an_existing_branch_scans_remote_to_local()
    {
        var (repo, origin) = WithOrigin();
        using var _ = repo;
        string remoteTip = repo.Git("rev-parse", "HEAD").Trim();
        repo.Write("a.txt", $"token={Token}\n");
        string leaky = repo.CommitAll("leak");
        repo.Write("b.txt", "b\n");
        string tip = repo.CommitAll("more");

        var blocked = repo.SecrethookUnchanged(PrePush(origin), $"refs/heads/main {tip} refs/heads/main {remoteTip}\n");
        var alreadyThere = repo.SecrethookUnchanged(PrePush(origin), $"refs/heads/main {tip} refs/heads/main {leaky}\n");

        Assert.Equal(1, blocked.ExitCode);
        Assert.Equal(leaky, Assert.Single(GitTestRepo.Findings(blocked)).CommitSha);
        Assert.Equal(0, alreadyThere.ExitCode);
    }

    [Fact]
    public void Several_refs_at_once_are_all_scanned_and_a_shared_commit_once()
    {
        var (repo, origin) = WithOrigin();
        using var _ = repo;
        string mainTip = repo.Git("rev-parse", "HEAD").Trim();
        repo.Git("checkout", "-q", "-b", "clean");
        repo.Write("clean.txt", "ok\n");
        string clean = repo.CommitAll("clean branch");
        repo.Git("checkout", "-q", "-b", "leaky", "main");
        repo.Write("leak.txt", $"x\ntoken={Token}\n");
        string leaky = repo.CommitAll("leaky branch");
        repo.Git("tag", "v1", leaky);

        string stdin = $"refs/heads/clean {clean} refs/heads/clean {Zero}\n"
            + $"refs/heads/leaky {leaky} refs/heads/leaky {Zero}\n"
            + $"refs/tags/v1 {leaky} refs/tags/v1 {Zero}\n"
            + $"refs/heads/main {leaky} refs/heads/main {mainTip}\n";
        var result = repo.SecrethookUnchanged(PrePush(origin), stdin);
        var onlyClean = repo.SecrethookUnchanged(PrePush(origin), $"refs/heads/clean {clean} refs/heads/clean {Zero}\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("leak.txt", 2, leaky), GitTestRepo.Findings(result).Select(f => (f.File, f.Line, f.CommitSha)).Single());
        Assert.Equal(0, onlyClean.ExitCode);
    }

    [Fact]
    public void Branch_deletion_scans_nothing()
    {
        var (repo, origin) = WithOrigin();
        using var _ = repo;
        repo.Git("checkout", "-q", "-b", "old");
        repo.Write("leak.txt", $"token={Token}\n");
        string leaky = repo.CommitAll("leak on a branch being deleted");

        var result = repo.SecrethookUnchanged(PrePush(origin), $"(delete) {Zero} refs/heads/old {leaky}\n");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(GitTestRepo.Findings(result));
        Assert.Equal(0, GitTestRepo.Stats(result).GetProperty("files").GetInt32());
    }

    [Fact]
    public void Remote_tip_we_never_fetched_falls_back_to_commits_no_remote_has()
    {
        var (repo, origin) = WithOrigin();
        using var _ = repo;
        repo.Write("leak.txt", $"token={Token}\n");
        string tip = repo.CommitAll("leak");
        const string unknown = "1234567890123456789012345678901234567890";

        var result = repo.SecrethookUnchanged(PrePush(origin), $"refs/heads/main {tip} refs/heads/main {unknown}\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(tip, Assert.Single(GitTestRepo.Findings(result)).CommitSha);
    }

    [Fact]
    public void Url_with_a_credential_gets_a_redacted_warning()
    {
        var (repo, _) = WithOrigin();
        using var __ = repo;
        string url = $"https://someone:{OtherToken}@huggingface.co/someone/model";

        var result = repo.Secrethook(["pre-push", "origin", url], "");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("carries a credential", result.Stderr);
        Assert.Contains(OtherToken[..4] + "…", result.Stderr);
        Assert.DoesNotContain(OtherToken, result.Stderr);
    }

    [Fact]
    public void Malformed_input_fails_closed()
    {
        var (repo, origin) = WithOrigin();
        using var _ = repo;

        var result = repo.Secrethook(PrePush(origin), "refs/heads/main not-a-sha\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unexpected pre-push input", result.Stderr);
    }

    [Fact]
    public void Real_push_through_the_installed_hook_is_blocked_then_allowed()
    {
        var (repo, origin) = WithOrigin();
        using var _ = repo;
        Assert.Equal(0, repo.Secrethook(["install", "--pre-push"]).ExitCode);
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("leak.txt", $"token={Token}\n");
        string leaky = repo.CommitAll("leak");
        repo.Write("leak.txt", "token=${TOKEN}\n");
        repo.CommitAll("fix");

        var before = repo.Snapshot(indexBytes: false);
        var blocked = GitTestRepo.GitAllowingFailure(repo.Root, null, null, "push", "origin", "feature");
        Assert.Equal(before, repo.Snapshot(indexBytes: false));
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("leak.txt", blocked.StdoutText + blocked.Stderr);
        Assert.Contains(leaky[..8], blocked.StdoutText + blocked.Stderr);
        Assert.Equal("", repo.GitIn(origin, "for-each-ref", "refs/heads/feature"));

        repo.Git("checkout", "-q", "main");
        repo.Write("ok.txt", "fine\n");
        repo.CommitAll("clean");
        var pushed = GitTestRepo.GitAllowingFailure(repo.Root, null, null, "push", "origin", "main");
        Assert.True(pushed.ExitCode == 0, pushed.Stderr);
        Assert.Equal(repo.Git("rev-parse", "main"), repo.GitIn(origin, "rev-parse", "main"));

        var skipped = GitTestRepo.GitAllowingFailure(repo.Root, null, new Dictionary<string, string> { ["SKIP"] = "lint, secrethook" },
            "push", "origin", "feature");
        Assert.True(skipped.ExitCode == 0, skipped.Stderr);
        Assert.Contains("skipped (SKIP=secrethook)", skipped.Stderr);
    }

    [Fact]
    public void Stdin_lines_may_end_with_crlf_and_blank_lines_are_ignored()
    {
        var (repo, origin) = WithOrigin();
        using var _ = repo;
        string tip = repo.Git("rev-parse", "HEAD").Trim();

        var result = repo.Secrethook(PrePush(origin), $"\r\nrefs/heads/x {tip} refs/heads/x {tip}\r\n\n");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0, GitTestRepo.Stats(result).GetProperty("findings").GetInt32());
    }
}
