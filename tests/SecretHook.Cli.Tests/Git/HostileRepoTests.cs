using System.Runtime.Versioning;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// Repositories whose configuration, attributes and hooks try to make git run a program (each would
/// create a marker file) or reshape the output the parsers read. Every command that runs git must
/// leave the marker absent and still report the planted token at the right file and line.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HostileRepoTests
{
    private const string Zero = "0000000000000000000000000000000000000000";
    private static readonly string Token = TestSecrets.HuggingFace(91);
    private static readonly string StagedToken = TestSecrets.HuggingFace(92);

    /// <summary>A repository with one pushed commit, one unpushed commit with a token and a staged token, made hostile afterwards.</summary>
    [UnsupportedOSPlatform("windows")]
    private sealed class Hostile : IDisposable
    {
        public Hostile()
        {
            Repo = new GitTestRepo();
            Origin = Path.Combine(Repo.Scratch, "origin.git");
            Marker = Path.Combine(Repo.Scratch, "marker");
            Repo.GitIn(Repo.Scratch, "init", "-q", "--bare", Origin);
            Repo.Git("remote", "add", "origin", Origin);
            Repo.Write("README.md", "hello\n");
            Repo.Write(".gitattributes", "* diff=evil filter=evil merge=evil\n");
            Repo.CommitAll("initial");
            Repo.Git("push", "-q", "--no-verify", "origin", "main");
            Repo.Write("dir/naïve settings.env", $"A=1\nHF_TOKEN={Token}\n");
            Tip = Repo.CommitAll("add settings");
            Repo.Write("staged.txt", $"one\ntwo={StagedToken}\n");
            Repo.Git("add", "staged.txt");
            MakeHostile();
        }

        public GitTestRepo Repo { get; }

        public string Origin { get; }

        public string Marker { get; }

        public string Tip { get; }

        private void MakeHostile()
        {
            string script = Path.Combine(Repo.Scratch, "evil.sh");
            File.WriteAllText(script, $"#!/bin/sh\necho \"$0 $*\" >> '{Marker}'\ncat\n");
            File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
            string hooks = Path.Combine(Repo.Scratch, "evil-hooks");
            Directory.CreateDirectory(hooks);
            string gitHooks = Path.Combine(Repo.Root, ".git", "hooks");
            foreach (var hook in (string[])["pre-commit", "pre-push", "post-checkout", "post-index-change", "reference-transaction",
                "fsmonitor-watchman", "post-rewrite", "pre-auto-gc", "push-to-checkout", "post-commit"])
            {
                foreach (var dir in (string[])[hooks, gitHooks])
                {
                    File.Copy(script, Path.Combine(dir, hook), overwrite: true);
                    File.SetUnixFileMode(Path.Combine(dir, hook), (UnixFileMode)0b111_101_101);
                }
            }
            File.WriteAllText(Path.Combine(Repo.Root, ".git", "info", "attributes"), "* diff=evil filter=evil -binary\n*.env textconv=evil\n");
            string[][] settings =
            [
                ["core.fsmonitor", script], ["core.pager", script], ["pager.diff", script], ["pager.log", script],
                ["diff.external", script], ["diff.evil.command", script], ["diff.evil.textconv", script],
                ["filter.evil.clean", script], ["filter.evil.smudge", script], ["filter.evil.process", script],
                ["filter.evil.required", "true"], ["merge.evil.driver", script], ["core.hooksPath", hooks],
                ["core.sshCommand", script], ["core.askPass", script], ["credential.helper", "!" + script],
                ["gpg.program", script], ["core.editor", script], ["sequence.editor", script],
                ["alias.diff", "!" + script], ["alias.log", "!" + script], ["alias.ls-files", "!" + script],
                ["alias.cat-file", "!" + script], ["alias.rev-parse", "!" + script],
                ["uploadpack.packObjectsHook", script], ["core.alternateRefsCommand", script],
                ["diff.noprefix", "true"], ["diff.mnemonicPrefix", "true"], ["color.ui", "always"], ["color.diff", "always"],
                ["core.quotepath", "true"], ["diff.renames", "false"], ["core.autocrlf", "true"], ["diff.relative", "true"],
                ["diff.suppressBlankEmpty", "true"], ["diff.context", "7"], ["log.showSignature", "true"],
                ["core.bigFileThreshold", "1"], ["log.decorate", "full"], ["format.pretty", "fuller"],
                ["core.untrackedCache", "true"], ["feature.manyFiles", "true"], ["submodule.recurse", "true"],
                ["diff.algorithm", "patience"], ["diff.orderFile", script], ["i18n.logOutputEncoding", "UTF-16"],
            ];
            foreach (var pair in settings)
            {
                Repo.Git("config", "--add", pair[0], pair[1]);
            }
        }

        public CliResult Run(string[] args, string? stdin = null, IReadOnlyDictionary<string, string>? variables = null)
        {
            File.Delete(Marker);
            var result = Repo.Secrethook(args, stdin, variables: variables);
            Assert.False(File.Exists(Marker), $"git ran the repository's command during '{string.Join(' ', args)}': {(File.Exists(Marker) ? File.ReadAllText(Marker) : "")}\n{result.Stderr}");
            return result;
        }

        public void Dispose() => Repo.Dispose();
    }

    [Fact]
    public void Staged_runs_nothing_and_reports_the_staged_token()
    {
        using var hostile = new Hostile();

        var result = hostile.Run(["staged", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("staged.txt", 2), (finding.File, finding.Line));
    }

    [Fact]
    public void Commits_all_runs_nothing_and_reports_the_committed_token_under_its_real_name()
    {
        using var hostile = new Hostile();

        var result = hostile.Run(["commits", "--all", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("dir/naïve settings.env", 2, hostile.Tip), (finding.File, finding.Line, finding.CommitSha));
    }

    [Fact]
    public void Pre_push_runs_nothing_and_blocks_the_token()
    {
        using var hostile = new Hostile();

        var result = hostile.Run(["pre-push", "origin", hostile.Origin, "--format", "json"],
            $"refs/heads/main {hostile.Tip} refs/heads/main {hostile.Repo.Git("rev-parse", "origin/main").Trim()}\n");

        Assert.Equal(1, result.ExitCode);
        var finding = Assert.Single(GitTestRepo.Findings(result));
        Assert.Equal(("dir/naïve settings.env", 2), (finding.File, finding.Line));
    }

    [Fact]
    public void Ci_runs_nothing_and_reports_the_last_commit()
    {
        using var hostile = new Hostile();

        var result = hostile.Run(["ci", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("dir/naïve settings.env", Assert.Single(GitTestRepo.Findings(result)).File);
    }

    [Fact]
    public void Baseline_create_staged_runs_nothing()
    {
        using var hostile = new Hostile();

        var result = hostile.Run(["baseline", "create", "--staged"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("huggingface-user-token", result.Stdout);
    }

    [Fact]
    public void Doctor_runs_nothing()
    {
        using var hostile = new Hostile();

        var result = hostile.Run(["doctor"]);

        Assert.True(result.ExitCode is 0 or 1, result.Stderr);
    }

    [Fact]
    public void Install_and_uninstall_run_nothing()
    {
        using var hostile = new Hostile();

        hostile.Run(["install", "--force"]);
        hostile.Run(["uninstall"]);
    }

    [Fact]
    public void Scan_runs_nothing()
    {
        using var hostile = new Hostile();

        var result = hostile.Run(["scan", ".", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void Config_from_the_environment_is_kept_but_cannot_turn_fsmonitor_or_prefixes_back_on()
    {
        using var hostile = new Hostile();
        string script = Path.Combine(hostile.Repo.Scratch, "evil.sh");
        var vars = new Dictionary<string, string>
        {
            ["GIT_CONFIG_COUNT"] = "3",
            ["GIT_CONFIG_KEY_0"] = "core.fsmonitor",
            ["GIT_CONFIG_VALUE_0"] = script,
            ["GIT_CONFIG_KEY_1"] = "diff.noprefix",
            ["GIT_CONFIG_VALUE_1"] = "true",
            ["GIT_CONFIG_KEY_2"] = "core.pager",
            ["GIT_CONFIG_VALUE_2"] = script,
            ["GIT_CONFIG_PARAMETERS"] = $"'core.fsmonitor'='{script}' 'color.ui'='always'",
        };

        var result = hostile.Run(["staged", "--format", "json"], variables: vars);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("staged.txt", 2), Assert.Single(GitTestRepo.Findings(result)) is var f ? (f.File, f.Line) : default);
    }

    [Fact]
    public void A_git_in_the_scanned_tree_or_a_relative_path_entry_is_never_run()
    {
        using var repo = new GitTestRepo();
        string marker = Path.Combine(repo.Scratch, "marker");
        foreach (var stub in (string[])["git", "bin/git"])
        {
            string full = repo.Write(stub, $"#!/bin/sh\ntouch '{marker}'\n");
            File.SetUnixFileMode(full, (UnixFileMode)0b111_101_101);
        }
        repo.Write("a.txt", $"x={Token}\n");
        repo.Git("add", "a.txt");
        var (code, stdout) = RunBinary(repo.Root, ["staged"], new Dictionary<string, string>
        {
            ["PATH"] = ".:bin::" + Environment.GetEnvironmentVariable("PATH"),
        });

        Assert.False(File.Exists(marker), "a git from the scanned tree was run");
        Assert.Equal(1, code);
        Assert.Contains("a.txt", stdout);
    }

    /// <summary>Runs the built secrethook executable in <paramref name="directory"/> (its own process, cwd and environment).</summary>
    private static (int Code, string Stdout) RunBinary(string directory, string[] args, Dictionary<string, string> extra)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(GitTestRepo.Executable, args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in GitTestRepo.GitEnvironment(extra))
        {
            psi.Environment[k] = v;
        }
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        stderr.GetAwaiter().GetResult();
        process.WaitForExit();
        return (process.ExitCode, stdout);
    }

    [Fact]
    public void Programs_and_diff_options_in_the_process_environment_are_not_used()
    {
        using var hostile = new Hostile();
        string script = Path.Combine(hostile.Repo.Scratch, "evil.sh");
        File.Delete(hostile.Marker);

        var (code, stdout) = RunBinary(hostile.Repo.Root, ["staged", "--format", "json"], new Dictionary<string, string>
        {
            ["GIT_EXTERNAL_DIFF"] = script,
            ["GIT_DIFF_OPTS"] = "--unified=5",
            ["GIT_PAGER"] = script,
            ["PAGER"] = script,
            ["GIT_ASKPASS"] = script,
            ["GIT_SSH_COMMAND"] = script,
            ["GIT_EDITOR"] = script,
        });

        Assert.False(File.Exists(hostile.Marker), "git ran a program named in the environment");
        Assert.Equal(1, code);
        Assert.Equal(("staged.txt", 2), GitTestRepo.Findings(new CliResult(code, stdout, "")) is [var f] ? (f.File, f.Line) : default);
    }

    [Fact]
    public void A_replace_ref_cannot_hide_a_committed_token()
    {
        using var repo = new GitTestRepo();
        repo.Write("a.txt", "base\n");
        repo.CommitAll("base");
        repo.Write("leak.env", $"HF_TOKEN={Token}\n");
        string leaky = repo.CommitAll("leak");
        repo.Git("rm", "-q", "leak.env");
        repo.Git("commit", "-q", "--no-verify", "--amend", "--allow-empty", "-m", "leak");
        string clean = repo.Git("rev-parse", "HEAD").Trim();
        repo.Git("reset", "-q", "--hard", leaky);
        repo.Git("replace", leaky, clean);
        Assert.DoesNotContain("HF_TOKEN", repo.Git("log", "-p", "--format=%H"));

        var result = repo.SecrethookUnchanged(["commits", "--all", "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("leak.env", leaky), Assert.Single(GitTestRepo.Findings(result)) is var f ? (f.File, f.CommitSha) : default);
    }
}
