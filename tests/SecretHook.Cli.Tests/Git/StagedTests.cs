using System.Text;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// <c>secrethook staged</c> against real repositories: it scans exactly the lines the commit adds (the
/// index against HEAD), reports the staged file and line, and leaves the repository as it was.
/// </summary>
public sealed class StagedTests
{
    private static readonly string[] Staged = ["staged", "--format", "json"];

    private static readonly string Token = TestSecrets.HuggingFace(11);
    private static readonly string OtherToken = TestSecrets.HuggingFace(12);

    [Fact]
    public void First_commit_with_a_token_blocks_with_file_and_line()
    {
        using var repo = new GitTestRepo();
        repo.Write("config/settings.py", $"DEBUG = True\nHF = \"{Token}\"\n");
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("config/settings.py", 2, 7), (finding.File, finding.Line, finding.Column));
        Assert.Equal("huggingface-user-token", finding.RuleId);
        Assert.Null(finding.CommitSha);
    }

    [Fact]
    public void First_commit_without_a_token_passes()
    {
        using var repo = new GitTestRepo();
        repo.Write("README.md", "hello\n");
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(GitTestRepo.Findings(result));
    }

    [Fact]
    public void Token_added_then_unstaged_passes()
    {
        using var repo = new GitTestRepo();
        repo.Write("app.txt", "one\n");
        repo.CommitAll("base");
        repo.Write("app.txt", $"one\ntoken={Token}\n");
        repo.Git("add", "app.txt");
        repo.Git("restore", "--staged", "app.txt");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(GitTestRepo.Findings(result));
    }

    [Fact]
    public void Token_staged_then_removed_from_the_working_tree_still_blocks()
    {
        using var repo = new GitTestRepo();
        repo.Write("app.txt", "one\n");
        repo.CommitAll("base");
        repo.Write("app.txt", $"one\ntoken={Token}\n");
        repo.Git("add", "app.txt");
        repo.Write("app.txt", "one\ntoken=from-the-environment\n");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("app.txt", 2), (finding.File, finding.Line));
    }

    [Fact]
    public void Token_in_the_working_tree_only_passes()
    {
        using var repo = new GitTestRepo();
        repo.Write("app.txt", "one\n");
        repo.CommitAll("base");
        repo.Write("app.txt", $"one\ntoken={Token}\n");
        repo.Write("untracked.env", $"HF_TOKEN={OtherToken}\n");
        repo.Write("other.txt", "harmless\n");
        repo.Git("add", "other.txt");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(GitTestRepo.Findings(result));
    }

    [Fact]
    public void Old_token_on_an_untouched_line_passes_and_new_lines_keep_their_numbers()
    {
        using var repo = new GitTestRepo();
        repo.Write("app.txt", $"line1\nold={Token}\nline3\nline4\nline5\n");
        repo.CommitAll("legacy secret, committed before the hook");
        repo.Write("app.txt", $"line1\nold={Token}\nline3 changed\nline4\nline5\nline6\n");
        repo.Git("add", "app.txt");

        var clean = repo.SecrethookUnchanged(Staged);
        Assert.Equal(0, clean.ExitCode);

        // A new token further down is reported at its line in the staged file, not at its index in the hunk.
        repo.Write("app.txt", $"line1\nold={Token}\nline3 changed\nline4\nline5\nline6\nnew={OtherToken}\n");
        repo.Git("add", "app.txt");
        var blocked = repo.SecrethookUnchanged(Staged);
        Assert.Equal(1, blocked.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(blocked));
        Assert.Equal(("app.txt", 7, 5), (finding.File, finding.Line, finding.Column));
    }

    [Fact]
    public void Token_on_a_deleted_line_passes()
    {
        using var repo = new GitTestRepo();
        repo.Write("app.txt", $"a\ntoken={Token}\nb\n");
        repo.Write("gone.txt", $"token={OtherToken}\n");
        repo.CommitAll("base");
        repo.Write("app.txt", "a\nb\n");
        repo.Git("rm", "-q", "gone.txt");
        repo.Git("add", "app.txt");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(GitTestRepo.Findings(result));
    }

    [Fact]
    public void Pure_rename_of_a_file_with_a_token_passes()
    {
        using var repo = new GitTestRepo();
        var lines = string.Concat(Enumerable.Range(1, 30).Select(i => $"line {i}\n"));
        repo.Write("old/name.txt", $"{lines}token={Token}\n");
        repo.CommitAll("base");
        Directory.CreateDirectory(Path.Combine(repo.Root, "new dir"));
        repo.Git("mv", "old/name.txt", "new dir/renamed.txt");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(GitTestRepo.Findings(result));
    }

    [Fact]
    public void Rename_with_an_added_token_reports_the_new_path_and_line()
    {
        using var repo = new GitTestRepo();
        var lines = string.Concat(Enumerable.Range(1, 30).Select(i => $"line {i}\n"));
        repo.Write("old.txt", $"{lines}token={Token}\n");
        repo.CommitAll("base");
        repo.Git("mv", "old.txt", "new.txt");
        File.AppendAllText(Path.Combine(repo.Root, "new.txt"), $"more={OtherToken}\n");
        repo.Git("add", "new.txt");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("new.txt", 32), (finding.File, finding.Line));
    }

    [Fact]
    public void Binary_file_is_skipped_not_scanned()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "x\n");
        repo.CommitAll("base");
        var bytes = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0, 0, 0, 13 };
        bytes.AddRange(Encoding.ASCII.GetBytes($"\ntoken={Token}\n"));
        repo.WriteBytes("image.png", [.. bytes]);
        repo.Git("add", "image.png");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(GitTestRepo.Findings(result));
        Assert.Equal(1, GitTestRepo.Stats(result).GetProperty("skipped").GetInt32());
    }

    [Theory]
    [InlineData("with space.txt")]
    [InlineData("with \"quote\".txt")]
    [InlineData("with\nnewline.txt")]
    [InlineData("with\ttab.txt")]
    [InlineData("back\\slash.txt")]
    [InlineData("ünïcödé/ファイル.txt")]
    [InlineData("-leading dash.txt")]
    [InlineData("a b/ c/d e.txt")]
    public void Odd_file_names_are_reported_exactly(string name)
    {
        using var repo = new GitTestRepo();
        repo.Write("keep.txt", "x\n");
        repo.CommitAll("base");
        repo.Write(name, $"first\nkey={Token}\n");
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal((name, 2, 5), (finding.File, finding.Line, finding.Column));
    }

    [Fact]
    public void Crlf_file_keeps_line_and_column()
    {
        using var repo = new GitTestRepo();
        repo.WriteBytes("win.ini", Encoding.ASCII.GetBytes("[a]\r\nx=1\r\n"));
        repo.CommitAll("base");
        repo.WriteBytes("win.ini", Encoding.ASCII.GetBytes($"[a]\r\nx=1\r\n[b]\r\ntoken = {Token}\r\n"));
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("win.ini", 4, 9), (finding.File, finding.Line, finding.Column));
    }

    [Fact]
    public void Run_from_a_subdirectory_reports_paths_from_the_repository_root()
    {
        using var repo = new GitTestRepo();
        repo.Write("src/deep/dir/keep.txt", "x\n");
        repo.CommitAll("base");
        repo.Write("src/deep/dir/secret.txt", $"\n\ntoken={Token}\n");
        repo.Write("elsewhere/other.txt", $"token={OtherToken}\n");
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(Staged, directory: Path.Combine(repo.Root, "src", "deep"));

        Assert.Equal(1, result.ExitCode);
        var findings = GitTestRepo.Findings(result);
        Assert.Equal([("elsewhere/other.txt", 1), ("src/deep/dir/secret.txt", 3)], findings.Select(f => (f.File, f.Line)));
    }

    [Fact]
    public void Diff_relative_config_does_not_hide_files_outside_the_subdirectory()
    {
        using var repo = new GitTestRepo();
        repo.Write("sub/keep.txt", "x\n");
        repo.CommitAll("base");
        repo.Git("config", "diff.relative", "true");
        repo.Git("config", "diff.noprefix", "true");
        repo.Git("config", "diff.renames", "false");
        repo.Git("config", "color.diff", "always");
        repo.Write("top.txt", $"token={Token}\n");
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(Staged, directory: Path.Combine(repo.Root, "sub"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("top.txt", Assert.Single(GitTestRepo.Findings(result)).File);
    }

    [Fact]
    public void Linked_worktree_scans_its_own_index()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "x\n");
        repo.CommitAll("base");
        string worktree = Path.Combine(repo.Scratch, "linked worktree");
        repo.Git("worktree", "add", "-q", "-b", "feature", worktree);
        File.WriteAllText(Path.Combine(worktree, "b.txt"), $"b\ntoken={Token}\n");
        repo.GitIn(worktree, "add", "b.txt");

        var inWorktree = repo.SecrethookUnchanged(Staged, directory: worktree);
        var inMain = repo.SecrethookUnchanged(Staged);

        Assert.Equal(1, inWorktree.ExitCode);
        Assert.Equal(("b.txt", 2), GitTestRepo.Findings(inWorktree).Select(f => (f.File, f.Line)).Single());
        Assert.Equal(0, inMain.ExitCode);
    }

    [Fact]
    public void Merge_in_progress_scans_what_the_merge_adds_to_head()
    {
        using var repo = new GitTestRepo();
        repo.Write("shared.txt", "1\n2\n3\n4\n5\n6\n7\n8\n");
        repo.CommitAll("base");
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("feature.txt", $"f\ntoken={Token}\n");
        repo.Write("shared.txt", "1\n2 feature\n3\n4\n5\n6\n7\n8\n");
        repo.CommitAll("feature adds a token");
        repo.Git("checkout", "-q", "main");
        repo.Write("shared.txt", "1\n2\n3\n4\n5\n6\n7 main\n8\n");
        repo.CommitAll("main moves on");
        repo.Git("merge", "-q", "--no-commit", "--no-ff", "feature");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("feature.txt", 2), GitTestRepo.Findings(result).Select(f => (f.File, f.Line)).Single());
    }

    [Fact]
    public void Deleted_file_mode_change_and_submodule_pointer_pass()
    {
        using var repo = new GitTestRepo();
        repo.Write("script.sh", $"echo {Token}\n");
        repo.Write("doomed.txt", $"token={OtherToken}\n");
        string sub = repo.CommitAll("base");
        repo.Git("update-index", "--chmod=+x", "script.sh");
        repo.Git("rm", "-q", "doomed.txt");
        repo.Git("update-index", "--add", "--cacheinfo", $"160000,{sub},vendor/lib");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(GitTestRepo.Findings(result));
    }

    [Fact]
    public void Content_lines_that_look_like_diff_headers_are_content()
    {
        using var repo = new GitTestRepo();
        repo.Write("patch.txt", "-- a/removed\nkeep\n");
        repo.CommitAll("base");
        // Deleting "-- a/removed" prints "--- a/removed"; adding "++ b/x" prints "+++ b/x".
        repo.Write("patch.txt", $"keep\n++ b/x\ndiff --git a/y b/y\n@@ -1 +1 @@\ntoken={Token}\n");
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(Staged);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("patch.txt", 5), GitTestRepo.Findings(result).Select(f => (f.File, f.Line)).Single());
    }

    [Fact]
    public void Outside_a_repository_fails_closed_with_gits_message()
    {
        using var dir = new TempDir();

        var result = CliHarness.Run(dir.Path, ["staged"], variables: GitTestRepo.CliVariables(new Dictionary<string, string>
        {
            ["GIT_CEILING_DIRECTORIES"] = Path.GetDirectoryName(dir.Path)!,
        }));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not a git repository", result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Text_report_says_how_to_unblock()
    {
        using var repo = new GitTestRepo();
        repo.Write("app.txt", $"token={Token}\n");
        repo.Git("add", "-A");

        var result = repo.SecrethookUnchanged(["staged"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("app.txt", result.Stdout);
        Assert.Contains("1:7", result.Stdout);
        Assert.Contains("commit blocked", result.Stderr);
        Assert.Contains("SKIP=secrethook", result.Stderr);
    }
}
