using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.GitIntegration;

/// <summary>What <see cref="HookInstaller"/> did to one hook.</summary>
internal enum HookAction
{
    /// <summary>Written where there was none.</summary>
    Installed,

    /// <summary>Our older copy replaced.</summary>
    Updated,

    /// <summary>A foreign hook replaced (<c>--force</c>); it was saved next to ours.</summary>
    Replaced,

    /// <summary>A foreign hook is there and was left alone.</summary>
    Refused,

    /// <summary>Our hook deleted.</summary>
    Removed,

    /// <summary>Nothing of ours there.</summary>
    Absent,
}

/// <summary>
/// One hook's outcome and the message for the user. <paramref name="RecordedBinary"/>: the absolute
/// path written into the hook (<c>install</c> only; null when none was recorded).
/// <paramref name="LocalHook"/>: the user's own <c>HOOK.local</c> next to it, when there is one
/// (<c>uninstall</c> leaves it in place and says so).
/// </summary>
internal sealed record HookResult(string Hook, string Path, HookAction Action, string Message, string? RecordedBinary = null, string? LocalHook = null);

/// <summary>
/// Installs and removes the hook scripts that ship in the binary (the repository's <c>hooks/</c>
/// directory, embedded as resources <c>hooks/NAME</c>). The hooks directory is git's own answer to
/// <c>git rev-parse --git-path hooks</c>, so <c>core.hooksPath</c> and linked worktrees (whose hooks
/// live in the main repository's git directory) are honoured. A hook is ours when it contains
/// <see cref="Marker"/>; anything else is never overwritten without <c>--force</c>, and even then is
/// kept as <c>NAME.secrethook-backup</c> (which <c>uninstall</c> puts back).
/// <para>
/// <c>install</c> records the absolute path of the binary it runs as (<see cref="CurrentBinary"/>)
/// in the script's <c>recorded_bin=</c> line, so a hook installed from <c>./out/secrethook</c> works
/// when that directory is not on PATH. The script looks for the program in this order:
/// <c>$SECRETHOOK_BIN</c>, <c>git config secrethook.path</c>, the recorded path (while it is an
/// executable file), <c>secrethook</c> on PATH.
/// </para>
/// </summary>
internal static class HookInstaller
{
    /// <summary>The line that marks a hook as ours.</summary>
    public const string Marker = "# secrethook-managed-hook:";

    /// <summary>The suffix of a foreign hook set aside by <c>install --force</c>.</summary>
    public const string BackupSuffix = ".secrethook-backup";

    /// <summary>The hooks we ship.</summary>
    public static readonly string[] Hooks = ["pre-commit", "pre-push"];

    /// <summary>The suffix of the user's own hook that ours runs after its check.</summary>
    public const string LocalSuffix = ".local";

    /// <summary>The line of each script that <see cref="Install(string, string, bool, string?)"/> fills in with the binary's path.</summary>
    public const string RecordedBinaryLine = "recorded_bin=\n";

    /// <summary>
    /// The absolute path of the running secrethook executable (the native binary or the apphost), or
    /// null when this process is not one whose file name starts with <c>secrethook</c> (e.g.
    /// <c>dotnet secrethook.dll</c> or a test host) or the path cannot be written into a shell script.
    /// </summary>
    public static string? CurrentBinary()
    {
        string? path = Environment.ProcessPath;
        if (path is null || !Path.GetFileName(path).StartsWith("secrethook", StringComparison.Ordinal))
        {
            return null;
        }
        return Recordable(path) ? Path.GetFullPath(path) : null;
    }

    private static bool Recordable(string path) => Path.IsPathFullyQualified(path) && !path.Any(char.IsControl);

    /// <summary>The script for <paramref name="hook"/> with <paramref name="binary"/> recorded (as written by <c>install</c>).</summary>
    public static string ScriptFor(string hook, string? binary)
    {
        string script = Script(hook);
        if (binary is null)
        {
            return script;
        }
        if (!Recordable(binary))
        {
            throw new ArgumentException($"cannot record '{binary}': not an absolute path, or it has control characters", nameof(binary));
        }
        int at = script.IndexOf("\n" + RecordedBinaryLine, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException($"the {hook} hook script has no '{RecordedBinaryLine.TrimEnd()}' line");
        }
        string quoted = "'" + binary.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        return script[..(at + 1)] + "recorded_bin=" + quoted + "\n" + script[(at + 1 + RecordedBinaryLine.Length)..];
    }

    /// <summary>The absolute hooks directory of the repository git finds from the working directory.</summary>
    public static string HooksDirectory(GitRunner git)
    {
        string path = git.RunText(["rev-parse", "--git-path", "hooks"]);
        return Path.GetFullPath(path, git.WorkingDirectory);
    }

    /// <summary>The script for <paramref name="hook"/>, as embedded at build time.</summary>
    public static string Script(string hook)
    {
        using var stream = typeof(HookInstaller).Assembly.GetManifestResourceStream("hooks/" + hook)
            ?? throw new InvalidOperationException($"the {hook} hook script is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }

    /// <summary>Whether the file at <paramref name="path"/> is one of our hooks.</summary>
    public static bool IsOurs(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            for (int i = 0; i < 5 && reader.ReadLine() is { } line; i++)
            {
                if (line.StartsWith(Marker, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Installs <paramref name="hook"/> into <paramref name="directory"/>, recording <see cref="CurrentBinary"/>.</summary>
    public static HookResult Install(string directory, string hook, bool force) => Install(directory, hook, force, CurrentBinary());

    /// <summary>
    /// Installs <paramref name="hook"/> into <paramref name="directory"/>, recording
    /// <paramref name="binary"/> (an absolute path; null records nothing, so the hook uses PATH).
    /// </summary>
    public static HookResult Install(string directory, string hook, bool force, string? binary)
    {
        string path = Path.Combine(directory, hook);
        HookAction action = HookAction.Installed;
        string? backup = null;
        if (File.Exists(path) || Directory.Exists(path))
        {
            if (IsOurs(path))
            {
                action = HookAction.Updated;
            }
            else if (!force)
            {
                return new HookResult(hook, path, HookAction.Refused,
                    $"{path} exists and is not secrethook's; left unchanged. To run both, rename yours to {hook}.local"
                    + $" (secrethook's hook runs it after its own check) and run 'secrethook install' again; or call"
                    + $" '{(hook == "pre-push" ? "secrethook pre-push \"$@\"" : "secrethook staged")}' from your hook; or use --force to replace it"
                    + $" (it is kept as {hook}{BackupSuffix}).");
            }
            else
            {
                backup = path + BackupSuffix;
                if (File.Exists(backup))
                {
                    throw new UsageException($"{path} is not secrethook's and {backup} already exists; move one of them away first");
                }
                File.Move(path, backup);
                action = HookAction.Replaced;
            }
        }
        Directory.CreateDirectory(directory);
        string temporary = path + ".secrethook-tmp";
        File.WriteAllText(temporary, ScriptFor(hook, binary));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        File.Move(temporary, path, overwrite: true);
        string message = action switch
        {
            HookAction.Updated => $"updated {path}",
            HookAction.Replaced => $"installed {path}; your previous hook was moved to {backup} (rename it to {hook}.local to keep running it)",
            _ => $"installed {path}",
        };
        message += binary is null
            ? "; it runs 'secrethook' from PATH (or $SECRETHOOK_BIN, or 'git config secrethook.path')"
            : $"; it runs {binary} (recorded now, so it works when that directory is not on PATH;"
                + " $SECRETHOOK_BIN or 'git config secrethook.path' override it, and 'secrethook' on PATH is used if the file goes away)";
        return new HookResult(hook, path, action, message, binary);
    }

    /// <summary>Removes our <paramref name="hook"/> from <paramref name="directory"/> and restores a backup.</summary>
    public static HookResult Uninstall(string directory, string hook)
    {
        string path = Path.Combine(directory, hook);
        if (!File.Exists(path))
        {
            return new HookResult(hook, path, HookAction.Absent, $"no {hook} hook");
        }
        if (!IsOurs(path))
        {
            return new HookResult(hook, path, HookAction.Absent, $"{path} is not secrethook's; left unchanged");
        }
        File.Delete(path);
        string backup = path + BackupSuffix;
        string local = path + LocalSuffix;
        string? localHook = File.Exists(local) ? local : null;
        string localNote = localHook is null ? ""
            : $"; your own hook {local}, which secrethook's ran after its check, is left in place and no longer runs"
                + $" (rename it to {hook} to run it again{(File.Exists(backup) ? ", after moving the restored one away" : "")})";
        if (File.Exists(backup))
        {
            File.Move(backup, path);
            return new HookResult(hook, path, HookAction.Removed, $"removed secrethook's {hook} hook and restored your previous one from {backup}{localNote}", null, localHook);
        }
        return new HookResult(hook, path, HookAction.Removed, $"removed {path}{localNote}", null, localHook);
    }
}
