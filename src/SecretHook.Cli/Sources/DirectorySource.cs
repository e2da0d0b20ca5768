using System.IO.Enumeration;
using System.Text;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Core.Paths;

namespace SecretHook.Cli.Sources;

/// <summary>
/// The paths given to <c>scan</c>: a file is taken as it is; a directory is listed by git (tracked and
/// untracked-but-not-ignored files) when it lies in a work tree and .gitignore is honoured, otherwise
/// walked — one directory at a time, so an unreadable one is reported and the walk goes on. Never
/// enters <c>.git</c>, never follows a symbolic link below a given path, and applies
/// <c>--include</c>/<c>--exclude</c> (.gitignore syntax) to paths relative to the directory given.
/// A glob that selects nothing is a warning.
/// </summary>
public sealed class DirectorySource(ScanSettings settings, CliEnvironment env) : IScanSource
{
    /// <summary>The skip reason of a file .gitignore excludes (listed with <c>--verbose</c>).</summary>
    public const string GitIgnored = "ignored by .gitignore (--no-ignore scans it)";

    /// <inheritdoc />
    public void Run(IScanSink sink)
    {
        var includeHits = new int[settings.Include.Count];
        var excludeHits = new int[settings.Exclude.Count];
        int selected = 0;
        foreach (var target in settings.Targets)
        {
            if (!target.IsDirectory)
            {
                sink.File(new FileItem(target.FullPath, CanonicalPath.Of(settings.ProjectRoot, target.FullPath), CanonicalPath.TidyGiven(target.Given)));
                selected++;
                continue;
            }
            IEnumerable<(string Rel, bool Regular)> relative =
                (!settings.NoIgnore && settings.InWorkTree ? GitListing(target.FullPath, sink: (sink, target.Given))?.Select(rel => (rel, false)) : null)
                ?? Walk(target, sink);
            if (settings.Verbose && !settings.NoIgnore && settings.InWorkTree
                && GitListing(target.FullPath, ["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"]) is { } ignored)
            {
                foreach (var rel in ignored)
                {
                    sink.Skip(CanonicalPath.Join(target.Given, rel), GitIgnored);
                }
            }
            // Once per target: GetRelativePath for each file was 1.5% of a one-rule kernel tree scan.
            string? canonicalPrefix = CanonicalPath.PrefixBelow(settings.ProjectRoot, target.FullPath);
            foreach (var (rel, regular) in relative)
            {
                if (!Selected(rel, includeHits, excludeHits))
                {
                    continue;
                }
                string full = Path.Combine(target.FullPath, rel);
                string canonical = canonicalPrefix is null ? CanonicalPath.Of(settings.ProjectRoot, full) : canonicalPrefix + rel;
                sink.File(new FileItem(full, canonical, CanonicalPath.Join(target.Given, rel), regular));
                selected++;
            }
        }
        for (int i = 0; i < includeHits.Length; i++)
        {
            if (includeHits[i] == 0)
            {
                sink.Warn($"--include '{settings.Include[i]}' matched no file");
            }
        }
        for (int i = 0; i < excludeHits.Length; i++)
        {
            if (excludeHits[i] == 0)
            {
                sink.Warn($"--exclude '{settings.Exclude[i]}' matched no file");
            }
        }
        if (selected == 0 && (settings.Include.Count > 0 || settings.Exclude.Count > 0))
        {
            sink.Warn("no file was selected: nothing was scanned");
        }
    }

    private bool Selected(string rel, int[] includeHits, int[] excludeHits)
    {
        if (settings.Include.Count > 0)
        {
            bool any = false;
            for (int i = 0; i < settings.Include.Count; i++)
            {
                if (settings.Include[i].IsMatch(rel))
                {
                    includeHits[i]++;
                    any = true;
                }
            }
            if (!any)
            {
                return false;
            }
        }
        bool excluded = false;
        for (int i = 0; i < settings.Exclude.Count; i++)
        {
            if (settings.Exclude[i].IsMatch(rel))
            {
                excludeHits[i]++;
                excluded = true;
            }
        }
        return !excluded;
    }

    /// <summary>
    /// Files below <paramref name="directory"/> that git would consider (tracked, plus untracked ones that
    /// are not ignored), relative to it; null when git cannot list them (not a work tree, git absent).
    /// Deleted files, submodules and links are left to the reader, which checks each entry's type.
    /// </summary>
    private List<string>? GitListing(string directory, string[]? command = null, (IScanSink Sink, string Given)? sink = null)
    {
        ProcessResult result;
        try
        {
            result = new GitRunner(env, directory).TryRun(
                command ?? ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"]);
        }
        catch (GitException)
        {
            return null;
        }
        if (result.ExitCode != 0)
        {
            return null;
        }
        var list = new List<string>();
        for (var rest = result.Stdout.AsSpan(); !rest.IsEmpty;)
        {
            int end = rest.IndexOf((byte)0);
            var raw = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (raw.IsEmpty)
            {
                continue;
            }
            string rel = Encoding.UTF8.GetString(raw);
            if (!System.Text.Unicode.Utf8.IsValid(raw))
            {
                // No path made of this string opens that file: say so rather than miss it.
                sink?.Sink.Fail(NotUtf8(CanonicalPath.Join(sink.Value.Given, rel)));
                continue;
            }
            if (!IsInGitDir(rel))
            {
                list.Add(rel);
            }
        }
        return list;
    }

    /// <summary>Why a file whose name is not valid UTF-8 (<paramref name="shown"/>, with U+FFFD for its bad bytes) fails the scan.</summary>
    private static string NotUtf8(string shown) => $"{shown}: the name is not valid UTF-8, so it cannot be read; rename it";

    private static bool IsInGitDir(string rel) =>
        rel == ".git" || rel.StartsWith(".git/", StringComparison.Ordinal) || rel.Contains("/.git/", StringComparison.Ordinal);

    /// <summary>
    /// Every entry below the target that is not a directory, relative to it, skipping <c>.git</c> and
    /// never entering a symbolic link (a link to a file is listed; the reader passes over it), each with
    /// whether its directory recorded it as a regular file (the reader then needs no stat before opening
    /// it). A directory that cannot be read is reported to the sink (the scan then fails with exit 2) and
    /// the walk goes on with the rest.
    /// </summary>
    private static IEnumerable<(string Rel, bool Regular)> Walk(ScanTarget target, IScanSink sink)
    {
        var pending = new Stack<string>();
        pending.Push("");
        var listed = new List<(string Name, DirectoryEntryType Type)>();
        var entries = new List<(string Name, bool Recurse, bool Regular)>();
        while (pending.Count > 0)
        {
            string rel = pending.Pop();
            string dir = rel.Length == 0 ? target.FullPath : Path.Combine(target.FullPath, rel);
            entries.Clear();
            string? error = UnixFile.CanReadDirectories ? List(dir, rel.Length == 0, listed, entries, target, rel, sink) : ListPortable(dir, entries);
            if (error is not null)
            {
                sink.Fail($"{CanonicalPath.Join(target.Given, rel.Length == 0 ? "." : rel)}: cannot read directory: {error}");
                continue;
            }
            entries.Sort((a, b) => string.CompareOrdinal(b.Name, a.Name));
            foreach (var (name, recurse, regular) in entries)
            {
                string child = rel.Length == 0 ? name : rel + "/" + name;
                if (recurse)
                {
                    pending.Push(child);
                }
                else
                {
                    yield return (child, regular);
                }
            }
        }
    }

    /// <summary>
    /// The entries of <paramref name="dir"/> from getdents64, typed by the directory itself: a stat only
    /// for a symbolic link (is it one to a directory, never entered nor listed?) and where the file
    /// system records no type. Returns the error when the directory cannot be read.
    /// </summary>
    private static string? List(string dir, bool root, List<(string Name, DirectoryEntryType Type)> listed,
        List<(string Name, bool Recurse, bool Regular)> entries, ScanTarget target, string rel, IScanSink sink)
    {
        listed.Clear();
        switch (UnixFile.ReadDirectory(dir, followLink: root, listed, out string? error))
        {
            case FileRead.Vanished:
                return null; // replaced by a symbolic link since it was listed: not entered
            case FileRead.Failed:
                return error;
        }
        foreach (var (name, type) in listed)
        {
            if (name == ".git")
            {
                continue;
            }
            if (type == DirectoryEntryType.BadName)
            {
                sink.Fail(NotUtf8(CanonicalPath.Join(target.Given, rel.Length == 0 ? name : rel + "/" + name)));
                continue;
            }
            var kind = type;
            if (kind == DirectoryEntryType.Unknown)
            {
                kind = UnixFile.KindOf(Path.Combine(dir, name)) switch
                {
                    UnixFileKind.Directory => DirectoryEntryType.Directory,
                    UnixFileKind.SymbolicLink => DirectoryEntryType.SymbolicLink,
                    _ => DirectoryEntryType.Other, // the reader checks its type before opening it
                };
            }
            switch (kind)
            {
                case DirectoryEntryType.Directory:
                    entries.Add((name, true, false));
                    break;
                case DirectoryEntryType.SymbolicLink when Directory.Exists(Path.Combine(dir, name)):
                    break; // a link to a directory: never entered, not listed
                default:
                    entries.Add((name, false, kind == DirectoryEntryType.Regular));
                    break;
            }
        }
        return null;
    }

    /// <summary>The same through .NET's enumeration (elsewhere than Linux): every entry is stat-ed by the reader.</summary>
    private static string? ListPortable(string dir, List<(string Name, bool Recurse, bool Regular)> entries)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };
        try
        {
            // Only a directory entry's attributes are asked for (to tell a link to a directory from a
            // directory): asking costs an lstat per entry.
            var enumerable = new FileSystemEnumerable<(string, bool, bool)>(dir,
                (ref FileSystemEntry e) => (e.FileName.ToString(), e.IsDirectory, false), options)
            {
                ShouldIncludePredicate = (ref FileSystemEntry e) =>
                    !e.FileName.SequenceEqual(".git") && !(e.IsDirectory && e.Attributes.HasFlag(FileAttributes.ReparsePoint)),
            };
            entries.AddRange(enumerable);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
