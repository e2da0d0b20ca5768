using System.IO.Enumeration;
using System.Text;
using Microsoft.Extensions.FileSystemGlobbing;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.Sources;

/// <summary>A file to scan: where it is on disk and the path to show in findings.</summary>
public sealed record FileEntry(string FullPath, string DisplayPath);

/// <summary>What <see cref="FileEnumerator"/> lists: which inputs, which globs, whether .gitignore applies.</summary>
public sealed record FileSelection(
    IReadOnlyList<string> Paths,
    IReadOnlyList<string> Include,
    IReadOnlyList<string> Exclude,
    bool NoIgnore);

/// <summary>
/// Turns the paths given to <c>scan</c> into files: a file is taken as it is; a directory is listed by
/// git (tracked and untracked-but-not-ignored files) when it lies in a work tree and .gitignore is
/// honoured, otherwise walked. Never enters <c>.git</c>, never follows a symbolic link below a given
/// path, and applies <c>--include</c>/<c>--exclude</c> globs to paths relative to the given directory.
/// </summary>
public static class FileEnumerator
{
    /// <summary>
    /// The files selected by <paramref name="selection"/>, in no particular order. Paths are checked
    /// now; directories are walked lazily, so a scan can start while a large tree is still being listed.
    /// </summary>
    /// <exception cref="UsageException">A path does not exist.</exception>
    public static IEnumerable<FileEntry> List(FileSelection selection, CliEnvironment env)
    {
        var matcher = BuildMatcher(selection);
        bool prefix = selection.Paths.Count > 1;
        var parts = new List<IEnumerable<FileEntry>>();
        foreach (var given in selection.Paths)
        {
            string full = env.Resolve(given);
            if (File.Exists(full))
            {
                parts.Add([new FileEntry(full, Normalize(given))]);
                continue;
            }
            if (!Directory.Exists(full))
            {
                throw new UsageException($"no such file or directory: {given}");
            }
            string displayPrefix = prefix ? Normalize(given).TrimEnd('/') + "/" : "";
            IEnumerable<string> relative = (!selection.NoIgnore ? GitListing(full) : null) ?? Walk(full);
            parts.Add(relative
                .Where(rel => matcher is null || matcher.Match(rel).HasMatches)
                .Select(rel => new FileEntry(Path.Combine(full, rel), displayPrefix + rel)));
        }
        return parts.SelectMany(p => p);
    }

    private static Matcher? BuildMatcher(FileSelection selection)
    {
        if (selection.Include.Count == 0 && selection.Exclude.Count == 0)
        {
            return null;
        }
        var matcher = new Matcher(StringComparison.Ordinal);
        if (selection.Include.Count == 0)
        {
            matcher.AddInclude("**/*");
        }
        foreach (var glob in selection.Include)
        {
            matcher.AddInclude(glob);
        }
        foreach (var glob in selection.Exclude)
        {
            matcher.AddExclude(glob);
        }
        return matcher;
    }

    private static string Normalize(string path) => path.Replace('\\', '/');

    /// <summary>
    /// Files below <paramref name="directory"/> that git would consider (tracked, plus untracked ones that
    /// are not ignored), relative to it; null when the directory is not in a work tree or git is absent.
    /// </summary>
    private static IEnumerable<string>? GitListing(string directory)
    {
        var result = ProcessRunner.Run("git",
            ["-c", "core.quotepath=off", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"],
            directory);
        if (result is null || result.ExitCode != 0)
        {
            return null;
        }
        var list = new List<string>();
        foreach (var rel in Encoding.UTF8.GetString(result.Stdout).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            string full = Path.Combine(directory, rel);
            // Deleted-but-tracked files, submodules (directories) and symbolic links are not scanned.
            var info = new FileInfo(full);
            if (!info.Exists || info.LinkTarget is not null || IsInGitDir(rel))
            {
                continue;
            }
            list.Add(rel);
        }
        return list;
    }

    private static bool IsInGitDir(string rel) =>
        rel == ".git" || rel.StartsWith(".git/", StringComparison.Ordinal) || rel.Contains("/.git/", StringComparison.Ordinal);

    /// <summary>Every regular file below <paramref name="root"/>, relative, skipping .git and symbolic links.</summary>
    private static IEnumerable<string> Walk(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };
        var enumerable = new FileSystemEnumerable<string>(root,
            (ref FileSystemEntry e) => Normalize(Path.GetRelativePath(root, e.ToFullPath())), options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && !e.Attributes.HasFlag(FileAttributes.ReparsePoint) && !e.FileName.SequenceEqual(".git"),
            ShouldRecursePredicate = (ref FileSystemEntry e) => !e.FileName.SequenceEqual(".git") && !e.Attributes.HasFlag(FileAttributes.ReparsePoint),
        };
        return enumerable;
    }
}
