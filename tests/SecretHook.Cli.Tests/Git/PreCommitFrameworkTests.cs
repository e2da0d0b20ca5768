using System.Diagnostics;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// The real pre-commit framework (Debian package <c>pre-commit</c>, installed by <c>tests/setup.sh</c>)
/// installs our hooks from <c>.pre-commit-hooks.yaml</c>: it runs <c>dotnet pack</c> in a clone of this
/// repository and installs the packed .NET tool. The clone is made from the current working tree
/// (without build output) and committed in a temp dir, so the test checks what is on disk now. Slow:
/// the first run builds and packs the tool (about a minute); the NuGet packages come from the local
/// cache or NuGet.
/// </summary>
public sealed class PreCommitFrameworkTests
{
    private static readonly string Token = TestSecrets.HuggingFace(71);

    private static readonly HashSet<string> Excluded =
        new(StringComparer.Ordinal) { ".git", "bin", "obj", "TestResults", "BenchmarkDotNet.Artifacts", "artifacts", "out", ".vs", ".idea" };

    [Fact]
    [Trait("Category", "Slow")]
    public void Pre_commit_framework_install_blocks_a_token_and_lets_clean_work_through()
    {
        using var temp = new TempDir();
        var env = Environment(temp.Path);
        var version = Run("pre-commit", ["--version"], temp.Path, env, TimeSpan.FromSeconds(30));
        Assert.True(version.ExitCode == 0, "the 'pre-commit' program is missing: run tests/setup.sh (Debian package pre-commit)");

        // A clone of this repository as it is on disk now.
        string hookRepo = Path.Combine(temp.Path, "secrethook-clone");
        CopyTree(GitTestRepo.RepositoryRoot(), hookRepo);
        Support.Git.Init(hookRepo);
        Check(Run("git", ["add", "-A"], hookRepo, env));
        Check(Run("git", ["commit", "-q", "--no-verify", "-m", "working tree snapshot"], hookRepo, env));
        string rev = Check(Run("git", ["rev-parse", "HEAD"], hookRepo, env)).Trim();

        // A project that uses it.
        string project = Path.Combine(temp.Path, "project");
        Directory.CreateDirectory(project);
        Support.Git.Init(project);
        File.WriteAllText(Path.Combine(project, ".pre-commit-config.yaml"), $"""
            repos:
              - repo: {hookRepo}
                rev: {rev}
                hooks:
                  - id: secrethook
                  - id: secrethook-pre-push

            """);
        File.WriteAllText(Path.Combine(project, "README.md"), "project\n");
        Check(Run("git", ["add", "-A"], project, env));
        Check(Run("git", ["commit", "-q", "--no-verify", "-m", "initial"], project, env));
        Check(Run("pre-commit", ["install", "--hook-type", "pre-commit", "--hook-type", "pre-push"], project, env, TimeSpan.FromSeconds(60)));
        // install-hooks publishes the native executable (~2.5 min on 2 idle cores); the limit only
        // guards against a hang, and 4 minutes was exceeded once with other builds on the machine.
        Check(Run("pre-commit", ["install-hooks"], project, env, TimeSpan.FromMinutes(10)));

        // A commit that adds a token is blocked and nothing changes.
        File.WriteAllText(Path.Combine(project, "leak.txt"), $"first line\nHF_TOKEN={Token}\n");
        Check(Run("git", ["add", "leak.txt"], project, env));
        string headBefore = Check(Run("git", ["rev-parse", "HEAD"], project, env));
        string stagedBefore = Check(Run("git", ["ls-files", "--stage"], project, env));
        var blocked = Run("git", ["commit", "-m", "leak"], project, env, TimeSpan.FromMinutes(2));
        Assert.True(blocked.ExitCode != 0, blocked.Output);
        Assert.Contains("leak.txt", blocked.Output);
        Assert.Contains("2:10", blocked.Output);
        Assert.Contains("huggingface-user-token", blocked.Output);
        Assert.Equal(headBefore, Check(Run("git", ["rev-parse", "HEAD"], project, env)));
        Assert.Equal(stagedBefore, Check(Run("git", ["ls-files", "--stage"], project, env)));

        // Without the token the same commit goes through.
        File.WriteAllText(Path.Combine(project, "leak.txt"), "first line\nHF_TOKEN=${HF_TOKEN}\n");
        Check(Run("git", ["add", "leak.txt"], project, env));
        var allowed = Run("git", ["commit", "-m", "no leak"], project, env, TimeSpan.FromMinutes(2));
        Assert.True(allowed.ExitCode == 0, allowed.Output);

        // The pre-push hook blocks a new branch whose history adds a token.
        string origin = Path.Combine(temp.Path, "origin.git");
        Check(Run("git", ["init", "-q", "--bare", origin], temp.Path, env));
        Check(Run("git", ["remote", "add", "origin", origin], project, env));
        Check(Run("git", ["push", "-q", "--no-verify", "origin", "main"], project, env));
        Check(Run("git", ["checkout", "-q", "-b", "feature"], project, env));
        File.WriteAllText(Path.Combine(project, "later.txt"), $"HF_TOKEN={Token}\n");
        Check(Run("git", ["add", "later.txt"], project, env));
        Check(Run("git", ["commit", "-q", "--no-verify", "-m", "sneak a token in"], project, env));
        var push = Run("git", ["push", "origin", "feature"], project, env, TimeSpan.FromMinutes(2));
        Assert.True(push.ExitCode != 0, push.Output);
        Assert.Contains("later.txt", push.Output);
        Assert.Contains("sneak a token in", push.Output);
        Assert.Equal("", Check(Run("git", ["for-each-ref", "refs/heads/feature"], origin, env)));

        // 'pre-commit run --all-files' scans the files themselves: the committed token fails it, once.
        var all = Run("pre-commit", ["run", "--all-files", "--hook-stage", "commit"], project, env, TimeSpan.FromMinutes(2));
        Assert.True(all.ExitCode != 0, all.Output);
        Assert.Contains("later.txt", all.Output);
        Assert.DoesNotContain("deprecated", all.Output, StringComparison.OrdinalIgnoreCase);
        var files = Run("pre-commit", ["run", "--files", "README.md", "--hook-stage", "commit"], project, env, TimeSpan.FromMinutes(2));
        Assert.True(files.ExitCode == 0, files.Output);
    }

    private sealed record Outcome(int ExitCode, string Stdout, string Output);

    private static string Check(Outcome outcome) =>
        outcome.ExitCode == 0 ? outcome.Stdout : throw new InvalidOperationException($"exit {outcome.ExitCode}: {outcome.Output}");

    /// <summary>Git isolated from the user's config; the pre-commit cache in the temp dir; no variables of this test host's MSBuild.</summary>
    private static Dictionary<string, string?> Environment(string temp)
    {
        var env = GitTestRepo.GitEnvironment(new Dictionary<string, string>
        {
            ["PRE_COMMIT_HOME"] = Path.Combine(temp, "pre-commit-cache"),
            ["PRE_COMMIT_COLOR"] = "never",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        });
        env.Remove("SECRETHOOK_BIN"); // the framework's own tool must be the one that runs
        return env;
    }

    private static Outcome Run(string file, string[] args, string directory, Dictionary<string, string?> env, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var key in psi.Environment.Keys.ToList())
        {
            // Variables dotnet test sets for its own MSBuild would point a nested 'dotnet pack' at the wrong SDK pieces.
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.Ordinal)
                || key is "DOTNET_HOST_PATH" or "SECRETHOOK_BIN" or "GIT_DIR" or "GIT_INDEX_FILE" or "GIT_WORK_TREE")
            {
                psi.Environment.Remove(key);
            }
        }
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new Outcome(127, "", $"{file}: not found");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                return new Outcome(-1, "", $"{file} {string.Join(' ', args)} timed out\n{stdout.Result}{stderr.Result}");
            }
            string o = stdout.GetAwaiter().GetResult();
            string e = stderr.GetAwaiter().GetResult();
            return new Outcome(process.ExitCode, o, o + e);
        }
    }

    private static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            if (Excluded.Contains(entry.Name) || entry.LinkTarget is not null)
            {
                continue;
            }
            string target = Path.Combine(destination, entry.Name);
            if (entry is DirectoryInfo)
            {
                CopyTree(entry.FullName, target);
            }
            else
            {
                File.Copy(entry.FullName, target);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(target, File.GetUnixFileMode(entry.FullName));
                }
            }
        }
    }
}
