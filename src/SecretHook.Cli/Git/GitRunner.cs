using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.GitIntegration;

/// <summary>Git failed, is missing, or printed something we cannot read: exit 2 with git's message.</summary>
public sealed class GitException(string message) : Exception(message);

/// <summary>
/// Runs git for one command, read-only and in a fixed output format whatever the user's config says:
/// every call gets <c>-c</c> overrides for the settings that change diff headers, and
/// <c>GIT_OPTIONAL_LOCKS=0</c> so that not even a status-like refresh writes the index. Git's own
/// variables (<c>GIT_DIR</c>, <c>GIT_INDEX_FILE</c> — which git sets for hooks during
/// <c>commit -a</c> and <c>commit PATH</c> — <c>HOME</c>, …) are passed on from the command's
/// environment. A non-zero exit is a <see cref="GitException"/> carrying git's message.
/// </summary>
internal sealed class GitRunner(CliEnvironment env, string? workingDirectory = null)
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

    /// <summary>Configuration overrides given to every git call.</summary>
    private static readonly string[] ConfigOverrides =
    [
        "-c", "core.quotepath=off", "-c", "color.ui=never", "-c", "diff.noprefix=false",
        "-c", "diff.mnemonicPrefix=false", "-c", "diff.suppressBlankEmpty=false", "-c", "log.showSignature=false",
    ];

    /// <summary>Variables passed on to git when the command's environment has them.</summary>
    private static readonly string[] Forwarded =
    [
        "HOME", "XDG_CONFIG_HOME", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
        "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CEILING_DIRECTORIES",
        "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_NAMESPACE", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_NOSYSTEM", "GIT_QUARANTINE_PATH",
    ];

    private readonly Dictionary<string, string?> _variables = BuildVariables(env);

    /// <summary>The directory git runs in (the command's working directory).</summary>
    public string WorkingDirectory { get; } = workingDirectory ?? env.WorkingDirectory;

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
        ProcessRunner.Run("git", [.. ConfigOverrides, .. args], WorkingDirectory, stdin, _variables)
        ?? throw NotInstalled();

    /// <summary>
    /// Runs <c>git ARGS</c> and hands its stdout to <paramref name="consume"/> as it arrives, so that
    /// output larger than memory (<c>git log -p</c> over a long history) streams through. Throws when
    /// git exits non-zero, after <paramref name="consume"/> has read everything.
    /// </summary>
    public void Stream(IReadOnlyList<string> args, byte[]? stdin, Action<Stream> consume)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in (string[])[.. ConfigOverrides, .. args])
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in _variables)
        {
            psi.Environment[k] = v;
        }
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (Win32Exception)
        {
            throw NotInstalled();
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var input = Task.Run(() =>
            {
                try
                {
                    if (stdin is not null)
                    {
                        process.StandardInput.BaseStream.Write(stdin);
                    }
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // git exited without reading its input; its exit code tells why.
                }
            });
            try
            {
                consume(process.StandardOutput.BaseStream);
                // Drain whatever the consumer did not read, so git never blocks on a full pipe.
                process.StandardOutput.BaseStream.CopyTo(System.IO.Stream.Null);
            }
            catch
            {
                Kill(process);
                throw;
            }
            input.GetAwaiter().GetResult();
            string error = stderr.GetAwaiter().GetResult();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw Failure(args, process.ExitCode, error);
            }
        }
    }

    private static void Kill(Process process)
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

    private static Dictionary<string, string?> BuildVariables(CliEnvironment env)
    {
        var vars = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Forwarded)
        {
            if (env.GetVariable(name) is { } value)
            {
                vars[name] = value;
            }
        }
        vars["GIT_OPTIONAL_LOCKS"] = "0";
        vars["GIT_TERMINAL_PROMPT"] = "0";
        vars["GIT_PAGER"] = "cat";
        vars["LC_ALL"] = "C";
        return vars;
    }

    private static GitException NotInstalled() => new("git is not installed or not on PATH");

    private static GitException Failure(IReadOnlyList<string> args, int code, string stderr)
    {
        string command = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "git";
        string message = stderr.Trim();
        return new GitException(message.Length > 0
            ? $"git {command} failed (exit {code}): {message}"
            : $"git {command} failed (exit {code})");
    }
}
