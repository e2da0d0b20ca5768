using System.Runtime.Versioning;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// <c>install</c>/<c>uninstall</c> and the installed hooks run by the real git: <c>commit</c>,
/// <c>commit -a</c>, <c>commit PATH</c>, the escape hatches, fail-closed behaviour and chaining.
/// Hooks are POSIX shell scripts, so these tests run where git runs them with sh.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HookInstallTests
{
    private static readonly string Token = TestSecrets.HuggingFace(41);

    private static GitTestRepo Installed()
    {
        var repo = new GitTestRepo();
        repo.Write("tracked.txt", "one\ntwo\n");
        repo.Write("other.txt", "other\n");
        repo.CommitAll("base");
        var result = repo.Secrethook(["install"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return repo;
    }

    private static ProcessResultView Commit(GitTestRepo repo, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var r = GitTestRepo.GitAllowingFailure(repo.Root, null, env, ["commit", .. args]);
        return new ProcessResultView(r.ExitCode, r.StdoutText + r.Stderr);
    }

    private sealed record ProcessResultView(int ExitCode, string Output);

    [Fact]
    public void Install_writes_an_executable_marked_hook_identical_to_the_repository_script()
    {
        using var repo = Installed();
        string hook = Path.Combine(repo.Root, ".git", "hooks", "pre-commit");

        Assert.True(File.Exists(hook));
        Assert.True(File.GetUnixFileMode(hook).HasFlag(UnixFileMode.UserExecute));
        Assert.Contains("# secrethook-managed-hook: pre-commit", File.ReadAllText(hook));
        Assert.Equal(File.ReadAllText(Path.Combine(GitTestRepo.RepositoryRoot(), "hooks", "pre-commit")), File.ReadAllText(hook));
        Assert.False(File.Exists(Path.Combine(repo.Root, ".git", "hooks", "pre-push")));
    }

    [Fact]
    public void First_commit_with_a_token_is_blocked_by_the_hook()
    {
        using var repo = new GitTestRepo();
        Assert.Equal(0, repo.Secrethook(["install"]).ExitCode);
        repo.Write("key.txt", $"token={Token}\n");
        repo.Git("add", "-A");
        var before = repo.Snapshot(indexBytes: false);

        var result = Commit(repo, null, "-m", "first");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("key.txt", result.Output);
        Assert.Contains("1:7", result.Output);
        Assert.Equal(before, repo.Snapshot(indexBytes: false));
        Assert.Equal("", before.Head);
    }

    [Fact]
    public void Commit_a_goes_through_the_index_and_is_blocked()
    {
        using var repo = Installed();
        repo.Write("tracked.txt", $"one\ntwo\nthree={Token}\n");
        var before = repo.Snapshot(indexBytes: false);

        var blocked = Commit(repo, null, "-a", "-m", "commit -a");

        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("tracked.txt", blocked.Output);
        Assert.Contains("3:7", blocked.Output);
        Assert.Equal(before, repo.Snapshot(indexBytes: false));

        repo.Write("tracked.txt", "one\ntwo\nthree\n");
        var allowed = Commit(repo, null, "-a", "-m", "commit -a, clean");
        Assert.True(allowed.ExitCode == 0, allowed.Output);
        Assert.NotEqual(before.Head, repo.Snapshot(indexBytes: false).Head);
    }

    [Fact]
    public void Commit_path_scans_the_temporary_index_git_builds()
    {
        using var repo = Installed();
        repo.Write("tracked.txt", $"one\ntwo={Token}\n");
        repo.Write("other.txt", "other, changed and staged\n");
        repo.Git("add", "other.txt");
        var before = repo.Snapshot(indexBytes: false);

        var blocked = Commit(repo, null, "-m", "only tracked.txt", "--", "tracked.txt");
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("tracked.txt", blocked.Output);
        Assert.Equal(before, repo.Snapshot(indexBytes: false));

        var allowed = Commit(repo, null, "-m", "only other.txt", "--", "other.txt");
        Assert.True(allowed.ExitCode == 0, allowed.Output);
    }

    [Fact]
    public void Skip_variable_and_no_verify_let_a_commit_through()
    {
        using var repo = Installed();
        repo.Write("tracked.txt", $"one\ntwo={Token}\n");
        repo.Git("add", "-A");

        var skipped = Commit(repo, new Dictionary<string, string> { ["SKIP"] = "black, secrethook" }, "-m", "skip");

        Assert.True(skipped.ExitCode == 0, skipped.Output);
        Assert.Contains("skipped (SKIP=secrethook)", skipped.Output);
        repo.Write("tracked.txt", $"one\ntwo={Token}\nthree\n");
        repo.Git("add", "-A");
        var noVerify = Commit(repo, null, "--no-verify", "-m", "no verify");
        Assert.Equal(0, noVerify.ExitCode);
    }

    [Theory]
    [InlineData("/nonexistent/secrethook")]
    [InlineData("no-such-secrethook-program")]
    public void Missing_binary_fails_closed_with_a_clear_message(string bin)
    {
        using var repo = Installed();
        repo.Write("tracked.txt", "one\ntwo\nclean change\n");
        repo.Git("add", "-A");

        var result = Commit(repo, new Dictionary<string, string> { ["SECRETHOOK_BIN"] = bin }, "-m", "x");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("cannot run", result.Output);
        Assert.Contains("SECRETHOOK_BIN", result.Output);
    }

    [Fact]
    public void Configured_path_is_used_when_the_variable_is_unset()
    {
        using var repo = Installed();
        repo.Git("config", "secrethook.path", GitTestRepo.Executable);
        repo.Write("tracked.txt", $"one\ntwo={Token}\n");
        repo.Git("add", "-A");

        var result = Commit(repo, new Dictionary<string, string> { ["SECRETHOOK_BIN"] = "" }, "-m", "x");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("tracked.txt", result.Output);
    }

    [Fact]
    public void Foreign_hook_is_never_overwritten_without_force_and_comes_back_on_uninstall()
    {
        using var repo = new GitTestRepo();
        string hook = Path.Combine(repo.Root, ".git", "hooks", "pre-commit");
        File.WriteAllText(hook, "#!/bin/sh\necho mine\n");

        var refused = repo.Secrethook(["install"]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("pre-commit.local", refused.Stderr);
        Assert.Equal("#!/bin/sh\necho mine\n", File.ReadAllText(hook));

        var forced = repo.Secrethook(["install", "--force"]);
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("secrethook-managed-hook", File.ReadAllText(hook));
        Assert.Equal("#!/bin/sh\necho mine\n", File.ReadAllText(hook + ".secrethook-backup"));

        var removed = repo.Secrethook(["uninstall"]);
        Assert.Equal(0, removed.ExitCode);
        Assert.Equal("#!/bin/sh\necho mine\n", File.ReadAllText(hook));
        Assert.False(File.Exists(hook + ".secrethook-backup"));

        // Uninstall never touches a hook that is not ours.
        Assert.Equal(0, repo.Secrethook(["uninstall"]).ExitCode);
        Assert.Equal("#!/bin/sh\necho mine\n", File.ReadAllText(hook));
    }

    [Fact]
    public void Reinstall_updates_our_hook_and_uninstall_removes_both()
    {
        using var repo = new GitTestRepo();
        Assert.Equal(0, repo.Secrethook(["install", "--pre-push"]).ExitCode);
        Assert.Equal(0, repo.Secrethook(["install", "--pre-push"]).ExitCode);
        string hooks = Path.Combine(repo.Root, ".git", "hooks");
        Assert.True(File.Exists(Path.Combine(hooks, "pre-push")));

        Assert.Equal(0, repo.Secrethook(["uninstall"]).ExitCode);

        Assert.False(File.Exists(Path.Combine(hooks, "pre-commit")));
        Assert.False(File.Exists(Path.Combine(hooks, "pre-push")));
    }

    [Fact]
    public void Local_hook_is_chained_after_the_scan()
    {
        using var repo = Installed();
        string local = Path.Combine(repo.Root, ".git", "hooks", "pre-commit.local");
        File.WriteAllText(local, "#!/bin/sh\necho 'local hook says no' >&2\nexit 3\n");
        File.SetUnixFileMode(local, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        repo.Write("tracked.txt", "one\ntwo\nclean\n");
        repo.Git("add", "-A");

        var result = Commit(repo, null, "-m", "x");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("local hook says no", result.Output);
    }

    [Fact]
    public void Core_hooks_path_is_honoured()
    {
        using var repo = new GitTestRepo();
        repo.Git("config", "core.hooksPath", "tools/git-hooks");
        Directory.CreateDirectory(Path.Combine(repo.Root, "sub"));

        var result = repo.Secrethook(["install"], directory: Path.Combine(repo.Root, "sub"));

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(repo.Root, "tools", "git-hooks", "pre-commit")));
        Assert.False(File.Exists(Path.Combine(repo.Root, ".git", "hooks", "pre-commit")));
        repo.Write("a.txt", $"token={Token}\n");
        repo.Git("add", "a.txt");
        Assert.NotEqual(0, Commit(repo, null, "-m", "x").ExitCode);
    }

    [Fact]
    public void Install_from_a_linked_worktree_guards_its_commits()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "a\n");
        repo.CommitAll("base");
        string worktree = Path.Combine(repo.Scratch, "wt");
        repo.Git("worktree", "add", "-q", "-b", "feature", worktree);

        var result = repo.Secrethook(["install"], directory: worktree);
        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(repo.Root, ".git", "hooks", "pre-commit")));

        File.WriteAllText(Path.Combine(worktree, "b.txt"), $"x\ntoken={Token}\n");
        repo.GitIn(worktree, "add", "b.txt");
        var before = repo.Snapshot(worktree, indexBytes: false);
        var blocked = GitTestRepo.GitAllowingFailure(worktree, null, null, "commit", "-m", "x");
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("b.txt", blocked.StdoutText + blocked.Stderr);
        Assert.Contains("2:7", blocked.StdoutText + blocked.Stderr);
        Assert.Equal(before, repo.Snapshot(worktree, indexBytes: false));
    }

    [Fact]
    public void Install_outside_a_repository_fails()
    {
        using var dir = new TempDir();

        var result = CliHarness.Run(dir.Path, ["install"], variables: GitTestRepo.CliVariables(new Dictionary<string, string>
        {
            ["GIT_CEILING_DIRECTORIES"] = Path.GetDirectoryName(dir.Path)!,
        }));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not a git repository", result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A PATH with git and the shell tools but no secrethook, and SECRETHOOK_BIN unset, so only what
    /// the hook recorded (or <paramref name="prepend"/>) can supply the program.
    /// </summary>
    private static Dictionary<string, string> WithoutSecrethookOnPath(string? prepend = null)
    {
        string git = ProcessRunner.Run("sh", ["-c", "command -v git"], Path.GetTempPath())!.StdoutText.Trim();
        var dirs = new List<string> { Path.GetDirectoryName(git)!, "/bin", "/usr/bin" };
        foreach (var dir in dirs)
        {
            Assert.False(File.Exists(Path.Combine(dir, "secrethook")), $"{dir}/secrethook exists: this test needs a PATH without it");
        }
        if (prepend is not null)
        {
            dirs.Insert(0, prepend);
        }
        return new Dictionary<string, string> { ["PATH"] = string.Join(':', dirs.Distinct()), ["SECRETHOOK_BIN"] = "" };
    }

    [Fact]
    public void Install_run_from_the_binary_records_its_path_and_the_hook_works_without_it_on_path()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "a\n");
        repo.CommitAll("base");
        var env = WithoutSecrethookOnPath();

        var install = ProcessRunner.Run(GitTestRepo.Executable, ["install"], repo.Root, null, GitTestRepo.GitEnvironment(env))!;

        Assert.True(install.ExitCode == 0, install.Stderr);
        Assert.Contains($"it runs {GitTestRepo.Executable} (recorded now", install.Stderr);
        string hook = File.ReadAllText(Path.Combine(repo.Root, ".git", "hooks", "pre-commit"));
        Assert.Contains($"\nrecorded_bin='{GitTestRepo.Executable}'\n", hook);
        Assert.Equal(HookInstaller.ScriptFor("pre-commit", GitTestRepo.Executable), hook);

        repo.Write("key.txt", $"x\ntoken={Token}\n");
        repo.Git("add", "key.txt");
        var blocked = Commit(repo, env, "-m", "leak");
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("key.txt", blocked.Output);
        Assert.Contains("2:7", blocked.Output);

        repo.Write("key.txt", "x\ntoken=${TOKEN}\n");
        repo.Git("add", "key.txt");
        var allowed = Commit(repo, env, "-m", "clean");
        Assert.True(allowed.ExitCode == 0, allowed.Output);
    }

    [Fact]
    public void Recorded_path_with_spaces_and_quotes_is_used_by_both_hooks()
    {
        using var repo = new GitTestRepo();
        string odd = Path.Combine(repo.Scratch, "it's a dir $(x)");
        Directory.CreateDirectory(odd);
        string binary = Path.Combine(odd, "secrethook");
        File.CreateSymbolicLink(binary, GitTestRepo.Executable);
        string hooks = Path.Combine(repo.Root, ".git", "hooks");
        Assert.Equal(binary, HookInstaller.Install(hooks, "pre-commit", false, binary).RecordedBinary);
        Assert.Equal(binary, HookInstaller.Install(hooks, "pre-push", false, binary).RecordedBinary);
        var env = WithoutSecrethookOnPath();

        repo.Write("key.txt", $"token={Token}\n");
        repo.Git("add", "key.txt");
        var blocked = Commit(repo, env, "-m", "leak");
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("key.txt", blocked.Output);

        repo.CommitAll("leak, committed without the hook");
        string origin = Path.Combine(repo.Scratch, "origin.git");
        repo.GitIn(repo.Scratch, "init", "-q", "--bare", origin);
        var push = GitTestRepo.GitAllowingFailure(repo.Root, null, env, "push", origin, "main");
        Assert.NotEqual(0, push.ExitCode);
        Assert.Contains("key.txt", push.StdoutText + push.Stderr);
    }

    [Fact]
    public void A_recorded_binary_that_is_gone_falls_back_to_path_and_says_so_when_that_fails_too()
    {
        using var repo = new GitTestRepo();
        string gone = Path.Combine(repo.Scratch, "old-out", "secrethook");
        HookInstaller.Install(Path.Combine(repo.Root, ".git", "hooks"), "pre-commit", false, gone);
        repo.Write("key.txt", $"token={Token}\n");
        repo.Git("add", "key.txt");

        var failed = Commit(repo, WithoutSecrethookOnPath(), "-m", "x");

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains($"the binary recorded by 'secrethook install', {gone}, is gone", failed.Output);

        string bin = Path.Combine(repo.Scratch, "bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "secrethook"), GitTestRepo.Executable);
        var blocked = Commit(repo, WithoutSecrethookOnPath(prepend: bin), "-m", "x");
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("key.txt", blocked.Output);
        Assert.DoesNotContain("is gone", blocked.Output);
    }

    [Fact]
    public void Variable_and_configured_path_win_over_the_recorded_one()
    {
        using var repo = new GitTestRepo();
        HookInstaller.Install(Path.Combine(repo.Root, ".git", "hooks"), "pre-commit", false, "/nonexistent/recorded/secrethook");
        repo.Write("key.txt", $"token={Token}\n");
        repo.Git("add", "key.txt");

        var viaVariable = Commit(repo, new Dictionary<string, string> { ["SECRETHOOK_BIN"] = GitTestRepo.Executable }, "-m", "x");
        repo.Git("config", "secrethook.path", GitTestRepo.Executable);
        var viaConfig = Commit(repo, WithoutSecrethookOnPath(), "-m", "x");

        Assert.Contains("key.txt", viaVariable.Output);
        Assert.Contains("key.txt", viaConfig.Output);
        Assert.DoesNotContain("is gone", viaVariable.Output + viaConfig.Output);
    }

    [Fact]
    public void In_process_install_records_nothing_and_says_the_hook_uses_path()
    {
        using var repo = new GitTestRepo();

        var result = repo.Secrethook(["install"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Null(HookInstaller.CurrentBinary()); // the test host is not a secrethook executable
        Assert.Contains("it runs 'secrethook' from PATH", result.Stderr);
        Assert.Contains("\nrecorded_bin=\n", File.ReadAllText(Path.Combine(repo.Root, ".git", "hooks", "pre-commit")));
    }

    [Fact]
    public void Uninstall_tells_about_the_local_hook_it_leaves_in_place()
    {
        using var repo = Installed();
        string local = Path.Combine(repo.Root, ".git", "hooks", "pre-commit.local");
        File.WriteAllText(local, "#!/bin/sh\nexit 0\n");

        var result = repo.Secrethook(["uninstall"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"your own hook {local}, which secrethook's ran after its check, is left in place", result.Stderr);
        Assert.Contains("rename it to pre-commit to run it again", result.Stderr);
        Assert.True(File.Exists(local));
        Assert.False(File.Exists(Path.Combine(repo.Root, ".git", "hooks", "pre-commit")));
    }
}
