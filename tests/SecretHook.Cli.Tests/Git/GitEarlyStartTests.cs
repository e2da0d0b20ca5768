using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// A git command started early (the commit hook starts its diff before building its settings) is the
/// one the matching read uses, is never used for another command, and is killed when not used.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class GitEarlyStartTests
{
    private static CliEnvironment Env(GitTestRepo repo) =>
        new(Stream.Null, Stream.Null, TextWriter.Null, repo.Root,
            name => GitTestRepo.CliVariables().TryGetValue(name, out var v) ? v : null);

    private static string Read(GitRunner git, IReadOnlyList<string> args)
    {
        string text = "";
        git.Stream(args, null, s => text = new StreamReader(s, Encoding.UTF8).ReadToEnd());
        return text.TrimEnd('\n');
    }

    [Fact]
    public void The_matching_read_takes_the_early_process_and_gets_its_output()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "one\n");
        repo.Git("add", "-A");
        var git = new GitRunner(Env(repo));
        using var early = git.StartEarly(["diff", "--cached", "--name-only", "--", "a.txt"]);

        Assert.Equal("a.txt", Read(git, ["diff", "--cached", "--name-only", "--", "a.txt"]));
        Assert.True(early.Taken);
        // Taken once: the same command again runs a new git.
        Assert.Equal("a.txt", Read(git, ["diff", "--cached", "--name-only", "--", "a.txt"]));
    }

    [Fact]
    public void Another_command_does_not_take_it_and_disposing_kills_it()
    {
        using var repo = new GitTestRepo();
        var git = new GitRunner(Env(repo));
        // cat-file --batch-check waits on its input, which stays open until a read takes the process.
        var early = git.StartEarly(["cat-file", "--batch-check"]);
        Assert.Equal(repo.Root, Read(git, ["rev-parse", "--show-toplevel"]));
        Assert.False(early.Taken);
        using var process = Process.GetProcessById(early.ProcessId);
        Assert.False(process.HasExited);

        early.Dispose();

        Assert.True(process.WaitForExit(10_000), "the unused early git still runs");
    }

    [Fact]
    public void Without_git_staged_help_still_prints_and_staged_fails_with_exit_2()
    {
        // The diff starts before the command line is parsed; a git that cannot start must not turn
        // "--help" into an error, nor let the scan itself pass.
        using var dir = new TempDir();
        var noGit = new Dictionary<string, string> { ["PATH"] = dir.Path };

        var help = CliHarness.Run(dir.Path, ["staged", "--help"], variables: noGit);
        var scan = CliHarness.Run(dir.Path, ["staged"], variables: noGit);

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("index against HEAD", help.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, scan.ExitCode);
        Assert.Contains("git is not installed", scan.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_staged_scan_starts_git_once_and_reads_the_diff_started_before_parsing()
    {
        // One git process per hook run (each costs it ~1.5 ms): the diff started before the command
        // line was parsed is the one the scan reads. A script first on PATH logs each start of git
        // and runs the real one.
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "one\n");
        repo.CommitAll("base");
        repo.Write("a.txt", "one\ntwo\n");
        repo.Git("add", "-A");
        using var bin = new TempDir();
        string realGit = GitRunner.Executable(Environment.GetEnvironmentVariable)!;
        string log = Path.Combine(bin.Path, "starts.log");
        string wrapper = bin.Write("git", $"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\nexec '{realGit}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var result = repo.Secrethook(["staged"], variables: new Dictionary<string, string>
        {
            ["PATH"] = $"{bin.Path}:{Environment.GetEnvironmentVariable("PATH")}",
        });

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("1 file scanned", result.Stderr, StringComparison.Ordinal);
        var start = Assert.Single(File.ReadAllLines(log));
        Assert.Contains("diff --cached", start, StringComparison.Ordinal);
    }

    [Fact]
    public void A_staged_command_line_error_is_exit_2_after_git_was_started()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "one\n");
        repo.Git("add", "-A");

        var result = repo.Secrethook(["staged", "--no-such-option"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_staged_scan_with_a_broken_configuration_still_fails_with_exit_2_after_git_was_started()
    {
        using var repo = new GitTestRepo();
        repo.Write(".secrethook.yaml", "rules: [unclosed\n");
        repo.Write("a.txt", "one\n");
        repo.Git("add", "-A");

        var result = repo.Secrethook(["staged"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(".secrethook.yaml", result.Stderr, StringComparison.Ordinal);
    }
}
