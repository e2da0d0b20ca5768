using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Configuration;

namespace SecretHook.Cli.Configuration;

/// <summary>Where the project root is: the git work tree's top level, else the folder holding the configuration.</summary>
public static class ConfigDiscovery
{
    /// <summary>
    /// The repository root for <paramref name="start"/>: git's top level when it lies in a work tree,
    /// otherwise <paramref name="start"/> itself.
    /// </summary>
    public static string FindRoot(string start, CliEnvironment env) => GitTopLevel(start, env) ?? start;

    /// <summary>
    /// Outside a work tree, where the configuration and the ignore file are looked for: the nearest
    /// directory from <paramref name="start"/> up to (and including) <paramref name="workingDirectory"/>
    /// that holds either file — so <c>scan src</c> run beside a <c>.secrethook.yaml</c> finds it — else
    /// <paramref name="start"/>. Never above the working directory: an unrelated file higher up is not
    /// picked up by accident. Inside a work tree, its top level.
    /// </summary>
    public static string FindConfigRoot(string start, string workingDirectory, CliEnvironment env)
    {
        if (GitTopLevel(start, env) is { } top)
        {
            return top;
        }
        string stop = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workingDirectory));
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ConfigLoader.FileName)) || File.Exists(Path.Combine(dir.FullName, Core.Suppression.IgnoreFile.FileName)))
            {
                return Path.TrimEndingDirectorySeparator(dir.FullName);
            }
            if (Path.TrimEndingDirectorySeparator(dir.FullName) == stop)
            {
                break;
            }
        }
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(start));
    }

    /// <summary>
    /// The work tree's top level: the nearest folder up from <paramref name="start"/> that holds a
    /// <c>.git</c> directory or file (linked worktrees and submodules have a file), found without
    /// starting a process — a commit hook pays ~1.3 ms per git process. Only when git is steered by
    /// GIT_DIR or GIT_WORK_TREE (the work tree may then be anywhere) is git itself asked.
    /// </summary>
    public static string? GitTopLevel(string start, CliEnvironment env)
    {
        if (!Directory.Exists(start))
        {
            return null;
        }
        if (env.GetVariable("GIT_DIR") is null && env.GetVariable("GIT_WORK_TREE") is null)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                string dotGit = Path.Combine(dir.FullName, ".git");
                if (Directory.Exists(dotGit) || File.Exists(dotGit))
                {
                    return Path.TrimEndingDirectorySeparator(dir.FullName);
                }
            }
            return null;
        }
        var result = new GitIntegration.GitRunner(env, start).TryRun(["rev-parse", "--show-toplevel"]);
        return result is { ExitCode: 0 } && result.StdoutText.Trim() is { Length: > 0 } top && Directory.Exists(top)
            ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(top))
            : null;
    }

    /// <summary>A path as shown in messages: relative to the working directory.</summary>
    public static string DisplayName(string fullPath, CliEnvironment env) =>
        Path.GetRelativePath(env.WorkingDirectory, fullPath);
}
