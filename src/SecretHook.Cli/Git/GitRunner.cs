using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.GitIntegration;

/// <summary>Git failed, is missing, or printed something we cannot read: exit 2 with git's message.</summary>
public sealed class GitException(string message) : Exception(message);

/// <summary>
/// Runs git for one command, read-only, in a fixed output format whatever the user's or the
/// repository's config says, and without ever running a command the repository names. Every call is
/// <c>git HardenedArguments(ARGS)</c> with <see cref="HardenedEnvironment"/>:
/// <list type="bullet">
/// <item>global options <c>--no-pager --no-optional-locks --no-replace-objects</c> (no pager, no
/// index refresh written, and <c>refs/replace</c> cannot show other content than what is pushed);</item>
/// <item><c>-c</c> overrides (<see cref="ConfigOverrides"/>) for everything in a config that can run a
/// program from a read-only command (<c>core.fsmonitor</c>, <c>core.pager</c>) or reshape the output
/// the parsers read (prefixes, colour, quoting, encodings, big-file threshold, …). Command-line
/// <c>-c</c> values are read after <c>GIT_CONFIG_COUNT</c>/<c>GIT_CONFIG_PARAMETERS</c> from the
/// environment, so the user's environment is kept but ours win;</item>
/// <item>only built-in commands are run (an alias cannot shadow one), never one that runs hooks,
/// filters (smudge/clean: <c>cat-file --batch</c> without <c>--filters</c> runs none), textconv or an
/// external diff (<see cref="DiffFormatOptions"/> has <c>--no-ext-diff --no-textconv</c>);</item>
/// <item>the environment drops <c>GIT_EXTERNAL_DIFF</c>, <c>GIT_DIFF_OPTS</c> (it would override
/// <c>-U0</c>) and the ask-pass/ssh programs, sets <c>GIT_PAGER=cat</c>,
/// <c>GIT_TERMINAL_PROMPT=0</c>, <c>GIT_OPTIONAL_LOCKS=0</c>, <c>GIT_NO_REPLACE_OBJECTS=1</c>,
/// <c>LC_ALL=C</c>.</item>
/// </list>
/// git itself is looked up in the <c>PATH</c> of the command's environment, absolute entries only —
/// never the current directory, where a scanned tree may hold a file named <c>git</c>. Git's own
/// variables (<c>GIT_DIR</c>, <c>GIT_INDEX_FILE</c> — which git sets for hooks during
/// <c>commit -a</c> and <c>commit PATH</c> — <c>HOME</c>, …) are passed on from the command's
/// environment. A non-zero exit, or a git that cannot be found or started, is a
/// <see cref="GitException"/> carrying git's message.
/// </summary>
internal sealed class GitRunner
{
    /// <summary>
    /// Options that pin the patch format <see cref="DiffParser"/> reads: no colour, external diff or
    /// textconv filter; <c>a/</c> and <c>b/</c> prefixes; no context lines (added lines only); full
    /// blob ids; submodules as one "Subproject commit" line; paths from the repository root even when
    /// <c>diff.relative</c> is set; renames and copies detected, so that moving a file adds no lines.
    /// </summary>
    public static readonly string[] DiffFormatOptions =
    [
        "--no-ext-diff", "--no-textconv", "--no-color", "--src-prefix=" + GitPaths.OldPrefix,
        "--dst-prefix=" + GitPaths.NewPrefix, "-U0", "--inter-hunk-context=0", "--full-index",
        "--submodule=short", "--no-relative", "-M", "-C",
    ];

    /// <summary>Global options before every command.</summary>
    private static readonly string[] GlobalOptions = ["--no-pager", "--no-optional-locks", "--no-replace-objects"];

    /// <summary>
    /// Configuration overrides given to every git call. <c>core.hooksPath</c> is deliberately kept:
    /// none of the commands run here runs a hook, and <c>install</c> must find the hooks directory
    /// the user configured.
    /// </summary>
    private static readonly string[] ConfigOverrides =
    [
        // Programs a read-only command could start.
        "-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false", "-c", "core.pager=cat",
        "-c", "submodule.recurse=false", "-c", "gc.auto=0", "-c", "maintenance.auto=false",
        // What the parsers read.
        "-c", "core.quotepath=off", "-c", "color.ui=never", "-c", "color.diff=never", "-c", "diff.noprefix=false",
        "-c", "diff.mnemonicPrefix=false", "-c", "diff.suppressBlankEmpty=false", "-c", "diff.renames=true",
        "-c", "log.showSignature=false", "-c", "core.autocrlf=false", "-c", "core.safecrlf=false",
        "-c", "core.bigFileThreshold=512m", "-c", "i18n.logOutputEncoding=UTF-8",
        // Memory: git's cache of inflated delta bases defaults to 96 MiB, and 'git log -p' over a few
        // thousand commits fills it (92 MB peak on the 3000-commit benchmark history). 32 MiB gives
        // 52 MB at the same speed (0.61-0.70 s user CPU either way, 3 runs each; benchmarks/README.md).
        "-c", "core.deltaBaseCacheLimit=32m",
    ];

    /// <summary>Variables passed on to git when the command's environment has them.</summary>
    private static readonly string[] Forwarded =
    [
        "HOME", "XDG_CONFIG_HOME", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
        "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CEILING_DIRECTORIES",
        "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_NAMESPACE", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_NOSYSTEM", "GIT_QUARANTINE_PATH", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "PATH",
    ];

    /// <summary>Variables removed from git's environment: each can run a program or reshape the diff.</summary>
    private static readonly string[] Removed =
    [
        "GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_SSH", "GIT_SSH_COMMAND",
        "GIT_EDITOR", "GIT_SEQUENCE_EDITOR",
    ];

    /// <summary>The most <c>GIT_CONFIG_KEY_n</c>/<c>GIT_CONFIG_VALUE_n</c> pairs passed on.</summary>
    private const int MaxConfigPairs = 1000;

    private readonly Dictionary<string, string?> _variables;
    private readonly Func<string, string?> _getVariable;
    private string? _executable;
    private EarlyStart? _early;

    /// <summary>A runner in the command's working directory.</summary>
    public GitRunner(CliEnvironment env)
        : this(env, env.WorkingDirectory)
    {
    }

    /// <summary>A runner in <paramref name="workingDirectory"/>, with the command's environment.</summary>
    public GitRunner(CliEnvironment env, string workingDirectory)
    {
        _getVariable = env.GetVariable;
        _variables = HardenedEnvironment(env.GetVariable);
        WorkingDirectory = workingDirectory;
    }

    /// <summary>
    /// <c>ARGS</c> with the global options and <c>-c</c> overrides every call needs in front. For a
    /// git call made outside this class: run <see cref="Executable"/> with these arguments and
    /// <see cref="HardenedEnvironment"/>.
    /// </summary>
    public static string[] HardenedArguments(IEnumerable<string> args) => [.. GlobalOptions, .. ConfigOverrides, .. args];

    /// <summary>
    /// The variables to set (a value) or remove (null) in git's environment, from the command's
    /// <paramref name="getVariable"/>; to be applied on top of the inherited process environment.
    /// </summary>
    public static Dictionary<string, string?> HardenedEnvironment(Func<string, string?> getVariable)
    {
        var vars = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Forwarded)
        {
            if (getVariable(name) is { } value)
            {
                vars[name] = value;
            }
        }
        if (int.TryParse(getVariable("GIT_CONFIG_COUNT"), out int count))
        {
            for (int i = 0; i < Math.Min(count, MaxConfigPairs); i++)
            {
                foreach (var name in (string[])[$"GIT_CONFIG_KEY_{i}", $"GIT_CONFIG_VALUE_{i}"])
                {
                    if (getVariable(name) is { } value)
                    {
                        vars[name] = value;
                    }
                }
            }
        }
        foreach (var name in Removed)
        {
            vars[name] = null;
        }
        vars["GIT_OPTIONAL_LOCKS"] = "0";
        vars["GIT_NO_REPLACE_OBJECTS"] = "1";
        vars["GIT_TERMINAL_PROMPT"] = "0";
        vars["GIT_PAGER"] = "cat";
        vars["PAGER"] = "cat";
        vars["LC_ALL"] = "C";
        return vars;
    }

    /// <summary>
    /// The git program: the first executable regular file named <c>git</c> in an absolute directory of
    /// <c>PATH</c> (from <paramref name="getVariable"/>, else the process's own), or null. Relative and
    /// empty entries are skipped, and the current directory is never searched.
    /// </summary>
    public static string? Executable(Func<string, string?> getVariable)
    {
        string? path = getVariable("PATH") ?? Environment.GetEnvironmentVariable("PATH");
        foreach (var dir in (path ?? "").Split(':'))
        {
            if (dir.Length == 0 || !Path.IsPathRooted(dir))
            {
                continue;
            }
            string candidate = Path.Combine(dir, "git");
            try
            {
                var info = new FileInfo(candidate);
                if (info.Exists && (info.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                {
                    return candidate;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
            }
        }
        return null;
    }

    /// <summary>The directory git runs in (the command's working directory unless given).</summary>
    public string WorkingDirectory { get; }

    /// <summary>The resolved git program (looked up once).</summary>
    private string GitPath => _executable ??= Executable(_getVariable) ?? throw NotInstalled();

    /// <summary>Runs <c>git ARGS</c>, returns stdout; throws on a non-zero exit.</summary>
    public byte[] Run(IReadOnlyList<string> args, byte[]? stdin = null)
    {
        var result = TryRun(args, stdin);
        return result.ExitCode == 0 ? result.Stdout : throw Failure(args, result.ExitCode, result.Stderr);
    }

    /// <summary>Runs <c>git ARGS</c>, returns stdout as UTF-8 text without the final newline.</summary>
    public string RunText(IReadOnlyList<string> args, byte[]? stdin = null) =>
        Encoding.UTF8.GetString(Run(args, stdin)).TrimEnd('\n');

    /// <summary>Runs <c>git ARGS</c> and returns the whole outcome, whatever the exit code.</summary>
    /// <exception cref="GitException">git cannot be started.</exception>
    public ProcessResult TryRun(IReadOnlyList<string> args, byte[]? stdin = null) =>
        ProcessRunner.Run(GitPath, HardenedArguments(args), WorkingDirectory, stdin, _variables)
        ?? throw NotInstalled();

    /// <summary>
    /// Runs <c>git ARGS</c> and hands its stdout to <paramref name="consume"/> as it arrives, so that
    /// output larger than memory (<c>git log -p</c> over a long history) streams through. Throws when
    /// git exits non-zero, after <paramref name="consume"/> has read everything.
    /// </summary>
    public void Stream(IReadOnlyList<string> args, byte[]? stdin, Action<Stream> consume)
    {
        using (var process = TakeEarly(args, stdin) ?? Start(args))
        {
            var stderr = new BackgroundThread<string>("git stderr", process.StandardError.ReadToEnd);
            var input = ProcessRunner.Feed(process, stdin);
            try
            {
                consume(process.StandardOutput.BaseStream);
                // Drain whatever the consumer did not read, so git never blocks on a full pipe.
                process.StandardOutput.BaseStream.CopyTo(System.IO.Stream.Null);
            }
            catch (GitException) when (process.WaitForExit(1000) && process.ExitCode != 0)
            {
                // The output was cut off because git failed or was killed: git's reason is the one to give.
                throw Failure(args, process.ExitCode, stderr.TryResult(1000, out string? message) ? message! : "");
            }
            catch
            {
                Kill(process);
                throw;
            }
            input?.Result();
            string error = stderr.Result();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw Failure(args, process.ExitCode, error);
            }
        }
    }

    /// <summary>
    /// Starts <c>git ARGS</c> now, for a later <see cref="Stream"/> with the same arguments and no
    /// input, so that git runs while the caller does other work (a commit hook builds its settings
    /// meanwhile: ~2 ms it no longer waits for). Disposing the result kills git if nothing took it.
    /// </summary>
    /// <exception cref="GitException">git cannot be found or started.</exception>
    public EarlyStart StartEarly(IReadOnlyList<string> args)
    {
        _early?.Dispose();
        _early = new EarlyStart([.. args], Start(args));
        return _early;
    }

    private Process? TakeEarly(IReadOnlyList<string> args, byte[]? stdin)
    {
        if (_early is not { } early || stdin is not null || !early.Args.SequenceEqual(args))
        {
            return null;
        }
        _early = null;
        return early.Take();
    }

    /// <summary>A git process started ahead (<see cref="StartEarly"/>): killed when disposed unless a <see cref="Stream"/> took it.</summary>
    public sealed class EarlyStart : IDisposable
    {
        private Process? _process;

        internal EarlyStart(string[] args, Process process)
        {
            Args = args;
            _process = process;
            ProcessId = process.Id;
        }

        internal string[] Args { get; }

        /// <summary>git's process id (for tests).</summary>
        internal int ProcessId { get; }

        /// <summary>Whether a <see cref="Stream"/> read this process's output (for tests).</summary>
        internal bool Taken { get; private set; }

        internal Process? Take()
        {
            var taken = _process;
            _process = null;
            Taken = taken is not null;
            if (taken is not null)
            {
                ProcessRunner.Feed(taken, null); // no input: close git's stdin
            }
            return taken;
        }

        /// <summary>Kills git if no <see cref="Stream"/> took it.</summary>
        public void Dispose()
        {
            if (_process is { } unused)
            {
                _process = null;
                Kill(unused);
                unused.Dispose();
            }
        }
    }

    /// <summary>Starts <c>git ARGS</c> with all three standard streams redirected.</summary>
    /// <exception cref="GitException">git cannot be found or started.</exception>
    public Process Start(IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(GitPath)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in HardenedArguments(args))
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in _variables)
        {
            psi.Environment[k] = v;
        }
        try
        {
            return Process.Start(psi) ?? throw NotInstalled();
        }
        catch (Win32Exception e)
        {
            throw new GitException($"git could not be started ({GitPath}): {e.Message}");
        }
    }

    /// <summary>Kills <paramref name="process"/> if it still runs.</summary>
    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        catch (Win32Exception)
        {
        }
    }

    /// <summary>The error for a failed git, naming the command and git's message.</summary>
    public static GitException Failure(IReadOnlyList<string> args, int code, string stderr)
    {
        string command = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "git";
        string message = stderr.Trim();
        string how = code > 128 ? $"failed (exit {code}, as when killed by signal {code - 128})" : $"failed (exit {code})";
        return new GitException(message.Length > 0
            ? $"git {command} {how}: {message}"
            : $"git {command} {how}");
    }

    private static GitException NotInstalled() => new("git is not installed or not on PATH (no executable named git in an absolute PATH directory)");
}
