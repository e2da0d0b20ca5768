using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary><c>secrethook ci</c>: the range comes from GitHub Actions or GitLab CI variables, else the last commit.</summary>
public sealed class CiTests
{
    private const string Zero = "0000000000000000000000000000000000000000";
    private static readonly string OldToken = TestSecrets.HuggingFace(51);
    private static readonly string NewToken = TestSecrets.HuggingFace(52);

    /// <summary>base (clean) → old (old token) → mid (clean) → head (new token).</summary>
    private static (GitTestRepo Repo, string Base, string Old, string Mid, string Head) History()
    {
        var repo = new GitTestRepo();
        repo.Write("a.txt", "a\n");
        string b = repo.CommitAll("base");
        repo.Write("old.txt", $"token={OldToken}\n");
        string old = repo.CommitAll("old token");
        repo.Write("mid.txt", "mid\n");
        string mid = repo.CommitAll("mid");
        repo.Write("new.txt", $"x\ntoken={NewToken}\n");
        string head = repo.CommitAll("new token");
        return (repo, b, old, mid, head);
    }

    private static CliResult Ci(GitTestRepo repo, Dictionary<string, string> vars) =>
        repo.SecrethookUnchanged(["ci", "--format", "json"], variables: vars);

    private static string EventFile(GitTestRepo repo, string json)
    {
        string path = Path.Combine(repo.Scratch, "event.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Github_push_scans_before_to_after()
    {
        var (repo, _, old, mid, head) = History();
        using var _ = repo;
        var vars = new Dictionary<string, string>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_EVENT_NAME"] = "push",
            ["GITHUB_REF"] = "refs/heads/main",
            ["GITHUB_SHA"] = head,
            ["GITHUB_EVENT_PATH"] = EventFile(repo, $"{{\"before\":\"{mid}\",\"after\":\"{head}\",\"ref\":\"refs/heads/main\"}}"),
        };

        var result = Ci(repo, vars);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("new.txt", 2, head), GitTestRepo.Findings(result).Select(f => (f.File, f.Line, f.CommitSha)).Single());
        Assert.Contains($"GitHub push: {mid[..12]}..{head[..12]}", result.Stderr);
        Assert.DoesNotContain(old, result.Stdout);
    }

    [Fact]
    public void Github_push_of_a_new_branch_scans_commits_no_other_remote_branch_has()
    {
        var (repo, _, old, _, head) = History();
        using var _ = repo;
        repo.Git("update-ref", "refs/remotes/origin/main", old);
        repo.Git("update-ref", "refs/remotes/origin/feature", head);
        var vars = new Dictionary<string, string>
        {
            ["GITHUB_EVENT_NAME"] = "push",
            ["GITHUB_REF"] = "refs/heads/feature",
            ["GITHUB_SHA"] = head,
            ["GITHUB_EVENT_PATH"] = EventFile(repo, $"{{\"before\":\"{Zero}\",\"after\":\"{head}\"}}"),
        };

        var result = Ci(repo, vars);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([head], GitTestRepo.Findings(result).Select(f => f.CommitSha));
        Assert.Equal(2, GitTestRepo.Stats(result).GetProperty("files").GetInt32()); // mid.txt and new.txt
    }

    [Fact]
    public void Github_pull_request_scans_base_to_head_from_the_event()
    {
        var (repo, baseSha, old, mid, _) = History();
        using var _ = repo;
        var vars = new Dictionary<string, string>
        {
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_BASE_REF"] = "main",
            ["GITHUB_HEAD_REF"] = "feature",
            ["GITHUB_EVENT_PATH"] = EventFile(repo,
                $"{{\"pull_request\":{{\"base\":{{\"sha\":\"{baseSha}\"}},\"head\":{{\"sha\":\"{mid}\"}}}}}}"),
        };

        var result = Ci(repo, vars);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([("old.txt", old)], GitTestRepo.Findings(result).Select(f => (f.File, f.CommitSha)));
    }

    [Fact]
    public void Gitlab_merge_request_scans_from_the_diff_base()
    {
        var (repo, _, old, _, head) = History();
        using var _ = repo;
        var vars = new Dictionary<string, string>
        {
            ["GITLAB_CI"] = "true",
            ["CI_PIPELINE_SOURCE"] = "merge_request_event",
            ["CI_MERGE_REQUEST_DIFF_BASE_SHA"] = old,
            ["CI_COMMIT_SHA"] = head,
            ["CI_COMMIT_BEFORE_SHA"] = Zero,
        };

        var result = Ci(repo, vars);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([head], GitTestRepo.Findings(result).Select(f => f.CommitSha));
        Assert.Contains("GitLab merge request", result.Stderr);
    }

    [Fact]
    public void Gitlab_push_scans_before_to_commit()
    {
        var (repo, baseSha, old, mid, _) = History();
        using var _ = repo;
        var vars = new Dictionary<string, string>
        {
            ["GITLAB_CI"] = "true",
            ["CI_COMMIT_BEFORE_SHA"] = baseSha,
            ["CI_COMMIT_SHA"] = mid,
            ["CI_COMMIT_BRANCH"] = "main",
        };

        var result = Ci(repo, vars);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([old], GitTestRepo.Findings(result).Select(f => f.CommitSha));
    }

    [Fact]
    public void Without_ci_variables_the_last_commit_is_scanned()
    {
        var (repo, _, _, mid, head) = History();
        using var _ = repo;

        var result = Ci(repo, []);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([head], GitTestRepo.Findings(result).Select(f => f.CommitSha));
        Assert.Contains($"last commit {mid[..12]}..{head[..12]}", result.Stderr);
    }

    [Fact]
    public void Root_commit_is_scanned_alone()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", $"token={OldToken}\n");
        string root = repo.CommitAll("root");

        var result = Ci(repo, []);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([root], GitTestRepo.Findings(result).Select(f => f.CommitSha));
        Assert.Contains("root commit", result.Stderr);
    }

    [Fact]
    public void Shallow_clone_without_the_base_fails_closed_with_advice()
    {
        var (repo, _, old, _, head) = History();
        using var _ = repo;
        string clone = Path.Combine(repo.Scratch, "shallow");
        repo.GitIn(repo.Scratch, "clone", "-q", "--depth", "1", "file://" + repo.Root, clone);
        var vars = GitTestRepo.CliVariables(new Dictionary<string, string>
        {
            ["GITHUB_EVENT_NAME"] = "push",
            ["GITHUB_REF"] = "refs/heads/main",
            ["GITHUB_SHA"] = head,
            ["GITHUB_EVENT_PATH"] = EventFile(repo, $"{{\"before\":\"{old}\",\"after\":\"{head}\"}}"),
        });

        var result = CliHarness.Run(clone, ["ci"], variables: vars);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("fetch-depth: 0", result.Stderr);
    }

    [Fact]
    public void Unreadable_event_file_fails_closed()
    {
        var (repo, _, _, _, head) = History();
        using var _ = repo;
        var vars = new Dictionary<string, string>
        {
            ["GITHUB_EVENT_NAME"] = "push",
            ["GITHUB_SHA"] = head,
            ["GITHUB_EVENT_PATH"] = EventFile(repo, "{not json"),
        };

        var result = repo.Secrethook(["ci"], variables: vars);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("GitHub event file", result.Stderr);
    }
}
