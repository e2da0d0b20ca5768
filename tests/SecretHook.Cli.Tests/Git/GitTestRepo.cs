using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// Everything "the repository is unchanged" compares: status, HEAD, the index's entries and its file's
/// bytes, refs and config.
/// </summary>
public sealed record RepoState(string Status, string Head, string IndexEntries, string IndexHash, string Refs, string ConfigHash);

/// <summary>One finding of a JSON report, as the tests check it.</summary>
public sealed record ReportedFinding(string RuleId, string File, int Line, int Column, string? CommitSha, string? CommitSubject);

/// <summary>
/// A throw-away repository in its own temporary directory, driven with the real git binary under an
/// isolated configuration (no global or system config, fixed identity and dates), plus the ways the
/// tests run secrethook against it: in-process (<see cref="Secrethook"/>) or through git's own hooks
/// (<see cref="GitAllowingFailure"/> with <c>SECRETHOOK_BIN</c> pointing at the built executable).
/// </summary>
public sealed class GitTestRepo : IDisposable
{
    private readonly TempDir _temp = new();

    /// <summary>Creates <c>repo/</c> inside a fresh temp dir and runs <c>git init</c> there.</summary>
    public GitTestRepo(string name = "repo", bool init = true)
    {
        Root = Path.Combine(_temp.Path, name);
        Directory.CreateDirectory(Root);
        if (init)
        {
            Support.Git.Init(Root);
        }
    }

    /// <summary>The work tree's root.</summary>
    public string Root { get; }

    /// <summary>The temp dir holding the repository (room for remotes, worktrees, homes).</summary>
    public string Scratch => _temp.Path;

    /// <summary>The secrethook executable built next to the tests (an apphost for secrethook.dll).</summary>
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "secrethook");

    /// <summary>The environment for git child processes: isolated config, fixed dates, our binary for hooks.</summary>
    public static Dictionary<string, string?> GitEnvironment(IReadOnlyDictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string?>(Support.Git.Environment)
        {
            ["GIT_AUTHOR_DATE"] = "2024-01-02T03:04:05Z",
            ["GIT_COMMITTER_DATE"] = "2024-01-02T03:04:05Z",
            ["SECRETHOOK_BIN"] = Executable,
            ["SKIP"] = "",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            env[k] = v;
        }
        return env;
    }

    /// <summary>Variables for an in-process run: the same isolated git configuration.</summary>
    public static Dictionary<string, string> CliVariables(IReadOnlyDictionary<string, string>? extra = null)
    {
        var vars = new Dictionary<string, string>
        {
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            vars[k] = v;
        }
        return vars;
    }

    /// <summary>Runs git in <paramref name="directory"/> (default: the root) and returns stdout; fails the test on error.</summary>
    public string GitIn(string directory, params string[] args)
    {
        var r = GitAllowingFailure(directory, null, null, args);
        return r.ExitCode == 0
            ? r.StdoutText
            : throw new InvalidOperationException($"git {string.Join(' ', args)} failed ({r.ExitCode}): {r.Stderr}");
    }

    /// <summary>Runs git in the root; fails the test on error.</summary>
    public string Git(params string[] args) => GitIn(Root, args);

    /// <summary>Runs git and returns the whole outcome (for commands hooks may block).</summary>
    public static ProcessResult GitAllowingFailure(string directory, byte[]? stdin, IReadOnlyDictionary<string, string>? extra, params string[] args) =>
        ProcessRunner.Run("git", args, directory, stdin, GitEnvironment(extra)) ?? throw new InvalidOperationException("git is not installed");

    /// <summary>Writes a UTF-8 file below the root.</summary>
    public string Write(string relative, string content) => WriteBytes(relative, Encoding.UTF8.GetBytes(content));

    /// <summary>Writes raw bytes below the root.</summary>
    public string WriteBytes(string relative, byte[] content)
    {
        string full = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    /// <summary>Stages everything and commits (no hooks are installed unless a test installs them).</summary>
    public string CommitAll(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "--no-verify", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    /// <summary>
    /// The repository's observable state. <paramref name="indexBytes"/> false leaves out the index
    /// file's hash (not its entries): a plain <c>git commit</c> refreshes the index's stat data and
    /// cache tree itself before it runs the hook, so only in-process runs can compare raw bytes.
    /// </summary>
    public RepoState Snapshot(string? directory = null, bool indexBytes = true)
    {
        directory ??= Root;
        var locks = new Dictionary<string, string> { ["GIT_OPTIONAL_LOCKS"] = "0" };
        string status = GitAllowingFailure(directory, null, locks, "status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all").StdoutText;
        var head = GitAllowingFailure(directory, null, locks, "rev-parse", "-q", "--verify", "HEAD");
        string index = Path.GetFullPath(GitIn(directory, "rev-parse", "--git-path", "index").Trim(), directory);
        string indexHash = !indexBytes ? "not compared" : File.Exists(index) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(index))) : "none";
        string entries = GitIn(directory, "ls-files", "--stage", "-z");
        string refs = GitIn(directory, "for-each-ref", "--format=%(refname) %(objectname)");
        string config = Path.GetFullPath(GitIn(directory, "rev-parse", "--git-path", "config").Trim(), directory);
        string configHash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(config)));
        return new RepoState(status, head.StdoutText.Trim(), entries, indexHash, refs, configHash);
    }

    /// <summary>Runs secrethook in-process in <paramref name="directory"/> (default: the root).</summary>
    public CliResult Secrethook(string[] args, string? stdin = null, string? directory = null, IReadOnlyDictionary<string, string>? variables = null) =>
        CliHarness.Run(directory ?? Root, args, stdin, CliVariables(variables));

    /// <summary>Runs secrethook in-process and asserts the repository is byte-for-byte unchanged afterwards.</summary>
    public CliResult SecrethookUnchanged(string[] args, string? stdin = null, string? directory = null, IReadOnlyDictionary<string, string>? variables = null)
    {
        var before = Snapshot(directory);
        var result = Secrethook(args, stdin, directory, variables);
        Assert.Equal(before, Snapshot(directory));
        return result;
    }

    /// <summary>The findings of a JSON report.</summary>
    public static List<ReportedFinding> Findings(CliResult result)
    {
        using var doc = JsonDocument.Parse(result.Stdout);
        var list = new List<ReportedFinding>();
        foreach (var f in doc.RootElement.GetProperty("findings").EnumerateArray())
        {
            string? sha = null, subject = null;
            if (f.TryGetProperty("commit", out var c))
            {
                sha = c.GetProperty("sha").GetString();
                subject = c.GetProperty("subject").GetString();
            }
            list.Add(new ReportedFinding(f.GetProperty("ruleId").GetString()!, f.GetProperty("file").GetString()!,
                f.GetProperty("line").GetInt32(), f.GetProperty("column").GetInt32(), sha, subject));
        }
        return list;
    }

    /// <summary>The <c>stats</c> member of a JSON report.</summary>
    public static JsonElement Stats(CliResult result)
    {
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.GetProperty("stats").Clone();
    }

    /// <summary>The repository this test assembly was built from (holds SecretHook.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecretHook.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("SecretHook.sln not found above " + AppContext.BaseDirectory);
    }

    /// <inheritdoc />
    public void Dispose() => _temp.Dispose();
}
