using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// Files git will not diff as text because of an attribute (<c>-diff</c>, <c>binary</c>,
/// <c>-text -diff</c>, in <c>.gitattributes</c> or <c>.git/info/attributes</c>) are scanned from their
/// blobs: the lines the new blob adds to the old one, at their new-file line numbers. Files binary by
/// content are still skipped, and named.
/// </summary>
public sealed class BinaryAttributeTests
{
    private const string Zero = "0000000000000000000000000000000000000000";
    private static readonly string Token = TestSecrets.HuggingFace(71);
    private static readonly string OtherToken = TestSecrets.HuggingFace(72);

    private static string Notebook(params string[] outputs) =>
        "{\n \"cells\": [\n" + string.Concat(outputs.Select(o => $"  {{\"outputs\": [\"{o}\"]}},\n")) + "  {}\n ]\n}\n";

    [Theory]
    [InlineData(".gitattributes", "*.ipynb -diff", "nb.ipynb")]
    [InlineData(".gitattributes", "*.cfg binary", "app.cfg")]
    [InlineData(".git/info/attributes", "*.ipynb -text -diff", "nb.ipynb")]
    [InlineData(".git/info/attributes", "* -diff", "nb.ipynb")]
    public void Staged_file_marked_binary_by_an_attribute_is_scanned(string attributesFile, string attributes, string file)
    {
        using var repo = new GitTestRepo();
        repo.Write(attributesFile, attributes + "\n");
        repo.Write(file, Notebook("hello"));
        repo.CommitAll("base");
        repo.Write(file, Notebook("hello", $"login ok, token {Token}"));
        repo.Git("add", "-A");
        Assert.Contains("Binary files", repo.Git("diff", "--cached"));

        var result = repo.SecrethookUnchanged(["staged", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal((file, 4), (finding.File, finding.Line));
    }

    [Fact]
    public void A_new_notebook_is_scanned_whole_and_an_unchanged_old_token_is_not_reported_again()
    {
        using var repo = new GitTestRepo();
        repo.Write(".gitattributes", "*.ipynb -diff\n");
        repo.Write("nb.ipynb", Notebook($"old {Token}"));
        Assert.Equal(1, Stage(repo).ExitCode);
        repo.CommitAll("first notebook");
        repo.Write("nb.ipynb", Notebook($"old {Token}", "clean", $"new {OtherToken}"));
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(["staged", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("nb.ipynb", 5), (finding.File, finding.Line));
    }

    private static CliResult Stage(GitTestRepo repo)
    {
        repo.Git("add", "-A");
        return repo.Secrethook(["staged", "--format", "json"]);
    }

    [Fact]
    public void Commits_scan_a_notebook_in_history()
    {
        using var repo = new GitTestRepo();
        repo.Write(".gitattributes", "*.ipynb -diff\n");
        repo.Write("nb.ipynb", Notebook("hello"));
        repo.CommitAll("base");
        repo.Write("nb.ipynb", Notebook("hello", $"token {Token}"));
        string leaky = repo.CommitAll("run the notebook");
        repo.Write("nb.ipynb", Notebook("hello"));
        repo.CommitAll("clear outputs");

        var result = repo.SecrethookUnchanged(["commits", "--all", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("nb.ipynb", 4, leaky), (finding.File, finding.Line, finding.CommitSha));
    }

    [Fact]
    public void Pre_push_blocks_a_notebook_token()
    {
        using var repo = new GitTestRepo();
        string origin = Path.Combine(repo.Scratch, "origin.git");
        repo.GitIn(repo.Scratch, "init", "-q", "--bare", origin);
        repo.Git("remote", "add", "origin", origin);
        repo.Write(".git/info/attributes", "*.ipynb -text -diff\n");
        repo.Write("nb.ipynb", Notebook("hello"));
        string remote = repo.CommitAll("base");
        repo.Git("push", "-q", "--no-verify", "origin", "main");
        repo.Write("nb.ipynb", Notebook("hello", $"token {Token}"));
        string tip = repo.CommitAll("outputs");

        var result = repo.SecrethookUnchanged(["pre-push", "origin", origin, "--format", "json"],
            $"refs/heads/main {tip} refs/heads/main {remote}\n");

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("nb.ipynb", 4, tip), (finding.File, finding.Line, finding.CommitSha));
    }

    [Fact]
    public void Merge_with_a_notebook_reports_only_lines_new_against_both_parents()
    {
        using var repo = new GitTestRepo();
        repo.Write(".gitattributes", "*.ipynb -diff\n");
        repo.Write("nb.ipynb", Notebook("a"));
        repo.CommitAll("base");
        repo.Git("checkout", "-q", "-b", "side");
        repo.Write("nb.ipynb", Notebook("a", $"side {Token}"));
        string side = repo.CommitAll("side");
        repo.Git("checkout", "-q", "main");
        repo.Write("nb.ipynb", Notebook("a", "main"));
        repo.CommitAll("main");
        // Conflicts: a -diff file cannot be merged line by line.
        GitTestRepo.GitAllowingFailure(repo.Root, null, null, "merge", "-q", "--no-ff", "--no-commit", "side");
        repo.Write("nb.ipynb", Notebook("a", "main", $"side {Token}", $"resolved {OtherToken}"));
        repo.Git("add", "-A");
        repo.Git("commit", "-q", "--no-verify", "-m", "merge");

        var result = repo.SecrethookUnchanged(["commits", "--all", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        var findings = GitTestRepo.Findings(result);
        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.CommitSha == side && f.Line == 4);
        Assert.Contains(findings, f => f.CommitSubject == "merge" && f.Line == 6);
    }

    [Fact]
    public void A_file_binary_by_content_is_skipped_and_named()
    {
        using var repo = new GitTestRepo();
        var bytes = new List<byte>([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes($"\ntoken {Token}\n"));
        repo.WriteBytes("image.png", [.. bytes]);
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(["staged", "--format", "json"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(GitTestRepo.Findings(result));
        Assert.Equal(1, GitTestRepo.Stats(result).GetProperty("skipped").GetInt32());
        Assert.Contains("skipped image.png: binary", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_staged_file_over_the_limit_fails_the_scan_and_is_named()
    {
        using var repo = new GitTestRepo();
        repo.Write("big.txt", new string('x', 5000) + $"\ntoken {Token}\n");
        repo.Write("nb.ipynb", Notebook(new string('y', 5000), Token));
        repo.Write(".gitattributes", "*.ipynb -diff\n");
        repo.Write("small.txt", "fine\n");
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(["staged", "--max-file-size", "1000"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("big.txt: adds 5", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("nb.ipynb: adds ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("more than the limit of 1000 bytes", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--max-file-size", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("small.txt", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, GitTestRepo.Findings(repo.SecrethookUnchanged(["staged", "--max-file-size", "1M", "--format", "json"])).Count);
    }

    [Fact]
    public void A_committed_file_over_the_limit_fails_the_scan_and_names_its_commit()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "small\n");
        repo.CommitAll("base");
        repo.Write("a.txt", "small\n" + new string('z', 3000) + "\n");
        string big = repo.CommitAll("big");

        var result = repo.SecrethookUnchanged(["commits", "--all", "--max-file-size", "1000"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"a.txt (commit {big[..8]}): adds 3001 bytes", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, repo.SecrethookUnchanged(["commits", "--all"]).ExitCode);
    }
}
