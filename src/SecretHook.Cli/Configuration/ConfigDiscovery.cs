using SecretHook.Cli.Commands;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Configuration;

namespace SecretHook.Cli.Configuration;

/// <summary>
/// The configuration a command runs with and the directory it came from: the root where
/// <c>.secrethook.yaml</c> and <c>.secrethookignore</c> live (the git top level, else the directory
/// searched from) or, with <c>--config FILE</c>, that file's directory.
/// </summary>
/// <param name="Config">The parsed configuration (<see cref="ScanConfig.Default"/> when there is no file).</param>
/// <param name="Root">The directory the ignore file is looked for in.</param>
/// <param name="Path">The configuration file's full path, or null when none was found.</param>
public sealed record LoadedConfig(ScanConfig Config, string Root, string? Path);

/// <summary>Finds and reads the configuration file; parsing and validation are <see cref="ConfigLoader"/>'s.</summary>
public static class ConfigDiscovery
{
    /// <summary>
    /// The repository root for <paramref name="start"/>: git's top level when it lies in a work tree,
    /// otherwise <paramref name="start"/> itself.
    /// </summary>
    public static string FindRoot(string start) => GitTopLevel(start) ?? start;

    /// <summary>
    /// Where the configuration and the ignore file are looked for: git's top level when
    /// <paramref name="start"/> lies in a work tree; otherwise the nearest directory from
    /// <paramref name="start"/> up to (and including) <paramref name="workingDirectory"/> that holds
    /// either file — so <c>scan src</c> run beside a <c>.secrethook.yaml</c> finds it — else
    /// <paramref name="start"/>. Never above the working directory: an unrelated file higher up is not
    /// picked up by accident.
    /// </summary>
    public static string FindConfigRoot(string start, string workingDirectory)
    {
        if (GitTopLevel(start) is { } top)
        {
            return top;
        }
        string stop = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workingDirectory));
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ConfigLoader.FileName)) || File.Exists(Path.Combine(dir.FullName, Core.Suppression.IgnoreFile.FileName)))
            {
                return dir.FullName;
            }
            if (Path.TrimEndingDirectorySeparator(dir.FullName) == stop)
            {
                break;
            }
        }
        return start;
    }

    /// <summary>
    /// The work tree's top level: the nearest folder up from <paramref name="start"/> that holds a
    /// <c>.git</c> directory or file (linked worktrees and submodules have a file), found without
    /// starting a process — a commit hook pays ~1.3 ms per git process. Only when git is steered by
    /// GIT_DIR or GIT_WORK_TREE (the work tree may then be anywhere) is git itself asked.
    /// </summary>
    private static string? GitTopLevel(string start)
    {
        if (!Directory.Exists(start))
        {
            return null;
        }
        if (Environment.GetEnvironmentVariable("GIT_DIR") is null && Environment.GetEnvironmentVariable("GIT_WORK_TREE") is null)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                string dotGit = Path.Combine(dir.FullName, ".git");
                if (Directory.Exists(dotGit) || File.Exists(dotGit))
                {
                    return dir.FullName;
                }
            }
            return null;
        }
        var result = ProcessRunner.Run("git", ["rev-parse", "--show-toplevel"], start);
        return result is { ExitCode: 0 } && result.StdoutText.Trim() is { Length: > 0 } top && Directory.Exists(top)
            ? Path.GetFullPath(top)
            : null;
    }

    /// <summary>
    /// Loads <paramref name="explicitPath"/> (which must exist) or, without one, <c>.secrethook.yaml</c>
    /// at the root found from <paramref name="start"/> if there is one.
    /// </summary>
    /// <exception cref="UsageException">The explicit file does not exist.</exception>
    /// <exception cref="RuleErrorsException">The file has errors (all of them, with positions).</exception>
    public static LoadedConfig Load(string? explicitPath, string start, CliEnvironment env)
    {
        string root;
        string? path;
        if (explicitPath is not null)
        {
            path = env.Resolve(explicitPath);
            if (!File.Exists(path))
            {
                throw new UsageException($"no such configuration file: {explicitPath}");
            }
            root = System.IO.Path.GetDirectoryName(path)!;
        }
        else
        {
            root = FindConfigRoot(start, env.WorkingDirectory);
            path = System.IO.Path.Combine(root, ConfigLoader.FileName);
            if (!File.Exists(path))
            {
                return new LoadedConfig(ScanConfig.Default, root, null);
            }
        }
        var result = ConfigLoader.Load(DisplayName(path, env), File.ReadAllText(path));
        return result.Config is { } config
            ? new LoadedConfig(config, root, path)
            : throw new RuleErrorsException(result.Errors);
    }

    /// <summary>A path as shown in messages: relative to the working directory, with forward slashes.</summary>
    public static string DisplayName(string fullPath, CliEnvironment env) =>
        System.IO.Path.GetRelativePath(env.WorkingDirectory, fullPath).Replace('\\', '/');
}
