using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary><c>secrethook commits</c>: streams <c>git log -p</c> and attributes each finding to the commit that added it.</summary>
public sealed class HistoryTests
{
    private static readonly string Token = TestSecrets.HuggingFace(21);
    private static readonly string OtherToken = TestSecrets.HuggingFace(22);

    [Fact]
    public void Range_reports_the_commit_that_added_a_token_even_if_a_later_one_removed_it()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "a\n");
        string baseSha = repo.CommitAll("base");
        repo.Write("a.txt", $"a\ntoken={Token}\n");
        string added = repo.CommitAll("add config");
        repo.Write("a.txt", "a\n");
        repo.CommitAll("remove it again");

        var result = repo.SecrethookUnchanged(["commits", $"{baseSha}..HEAD", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("a.txt", 2, added, "add config"), (finding.File, finding.Line, finding.CommitSha, finding.CommitSubject));
    }

    [Fact]
    public void A_single_revision_scans_only_that_commit_and_a_root_commit_in_full()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", $"token={Token}\n");
        string root = repo.CommitAll("root with a token");
        repo.Write("b.txt", "clean\n");
        repo.CommitAll("clean change");

        var head = repo.SecrethookUnchanged(["commits", "HEAD", "--format", "json"]);
        var rootOnly = repo.SecrethookUnchanged(["commits", root, "--format", "json"]);
        var all = repo.SecrethookUnchanged(["commits", "--all", "--format", "json"]);

        Assert.Equal(0, head.ExitCode);
        Assert.Equal(1, rootOnly.ExitCode);
        Assert.Equal(root, Assert.Single(GitTestRepo.Findings(rootOnly)).CommitSha);
        Assert.Equal(1, all.ExitCode);
        Assert.Equal(("a.txt", 1, root), GitTestRepo.Findings(all).Select(f => (f.File, f.Line, f.CommitSha)).Single());
    }

    [Fact]
    public void Merge_reports_a_token_once_at_the_commit_that_added_it()
    {
        using var repo = new GitTestRepo();
        repo.Write("shared.txt", "1\n2\n3\n4\n5\n6\n7\n8\n");
        string baseSha = repo.CommitAll("base");
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("feature.txt", $"token={Token}\n");
        string feature = repo.CommitAll("feature adds a token");
        repo.Git("checkout", "-q", "main");
        repo.Write("shared.txt", "1\n2\n3\n4\n5\n6\n7 main\n8\n");
        repo.CommitAll("main moves on");
        repo.Git("merge", "-q", "--no-ff", "--no-edit", "feature");

        var result = repo.SecrethookUnchanged(["commits", $"{baseSha}..main", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("feature.txt", 1, feature), GitTestRepo.Findings(result).Select(f => (f.File, f.Line, f.CommitSha)).Single());
    }

    [Fact]
    public void Evil_merge_reports_what_the_merge_itself_adds()
    {
        using var repo = new GitTestRepo();
        repo.Write("shared.txt", "1\n2\n3\n4\n5\n6\n7\n8\n");
        repo.CommitAll("base");
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("shared.txt", "1\n2 feature\n3\n4\n5\n6\n7\n8\n");
        repo.CommitAll("feature");
        repo.Git("checkout", "-q", "main");
        repo.Write("shared.txt", "1\n2\n3\n4\n5\n6\n7 main\n8\n");
        repo.CommitAll("main");
        repo.Git("merge", "-q", "--no-ff", "--no-commit", "feature");
        repo.Write("shared.txt", $"1\n2 feature\n3\n4\n5\n6\n7 main\n8\nresolved={Token}\n");
        repo.Git("add", "-A");
        repo.Git("commit", "-q", "--no-verify", "-m", "merge feature");
        string merge = repo.Git("rev-parse", "HEAD").Trim();

        var result = repo.SecrethookUnchanged(["commits", "HEAD~1..HEAD", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("shared.txt", 9, merge, "merge feature"),
            GitTestRepo.Findings(result).Select(f => (f.File, f.Line, f.CommitSha, f.CommitSubject)).Single());
    }

    [Fact]
    public void Renames_in_history_add_nothing()
    {
        using var repo = new GitTestRepo();
        repo.Write("one.txt", string.Concat(Enumerable.Range(1, 20).Select(i => $"l{i}\n")) + $"token={Token}\n");
        string first = repo.CommitAll("first");
        repo.Git("mv", "one.txt", "two.txt");
        repo.CommitAll("rename");

        var result = repo.SecrethookUnchanged(["commits", $"{first}..HEAD", "--format", "json"]);

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Many_commits_stream_through()
    {
        using var repo = new GitTestRepo();
        // 300 commits through fast-import: quick to build, long enough that output arrives in pieces.
        var script = new System.Text.StringBuilder();
        for (int i = 1; i <= 300; i++)
        {
            string content = i == 150 ? $"n={i}\ntoken={OtherToken}\n" : $"n={i}\n" + new string('x', 2000) + "\n";
            script.Append($"commit refs/heads/main\ncommitter T <t@example.com> {1700000000 + i} +0000\ndata <<EOM\ncommit {i}\nEOM\n");
            script.Append($"M 100644 inline file{i % 7}.txt\ndata {System.Text.Encoding.UTF8.GetByteCount(content)}\n{content}\n");
        }
        var r = GitTestRepo.GitAllowingFailure(repo.Root, System.Text.Encoding.UTF8.GetBytes(script.ToString()), null, "fast-import", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
        repo.Git("reset", "-q", "--hard");

        var result = repo.SecrethookUnchanged(["commits", "--all", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("file3.txt", 2, "commit 150"), (finding.File, finding.Line, finding.CommitSubject));
        Assert.Equal(300, GitTestRepo.Stats(result).GetProperty("files").GetInt32());
    }

    [Fact]
    public void Bad_revision_fails_closed_with_gits_message()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "a\n");
        repo.CommitAll("base");

        var result = repo.Secrethook(["commits", "no-such-branch..HEAD"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("git log failed", result.Stderr);
        Assert.Contains("no-such-branch", result.Stderr);
    }

    [Theory]
    [InlineData("--output=pwned.txt")]
    [InlineData("-p")]
    public void Option_like_revisions_are_refused(string revision)
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "a\n");
        repo.CommitAll("base");

        // As an argument it is refused; after '--' it is a path, which git never reads as an option.
        var result = repo.Secrethook(["commits", revision]);
        Assert.Equal(2, result.ExitCode);
        var asPath = repo.Secrethook(["commits", "HEAD", "--", revision]);
        Assert.Equal(0, asPath.ExitCode);
        Assert.False(File.Exists(Path.Combine(repo.Root, "pwned.txt")));
    }

    [Fact]
    public void No_revision_is_a_usage_error()
    {
        using var repo = new GitTestRepo();

        var result = repo.Secrethook(["commits"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--all", result.Stderr);
    }
}
