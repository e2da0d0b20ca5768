namespace SecretHook.Core.Paths;

/// <summary>
/// Canonical paths: the one identity of a file whichever way a scan was invoked — relative to the
/// project root (the git work tree's top level, else the scan root), with <c>/</c> separators and no
/// <c>./</c>, <c>..</c> or trailing separator. Pure string operations on already-absolute paths.
/// </summary>
public static class CanonicalPath
{
    /// <summary>
    /// The canonical path of <paramref name="fullPath"/> under <paramref name="root"/> (both absolute
    /// and normalised); a file outside the root keeps its absolute path.
    /// </summary>
    public static string Of(string root, string fullPath)
    {
        string rel = System.IO.Path.GetRelativePath(root, fullPath);
        if (rel == ".")
        {
            return System.IO.Path.GetFileName(fullPath);
        }
        return rel == ".." || rel.StartsWith("../", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(rel)
            ? fullPath
            : rel;
    }

    /// <summary>
    /// What <see cref="Of"/> gives before a relative path below <paramref name="directory"/> (both
    /// absolute and normalised; the relative path without <c>.</c> or <c>..</c> segments, as a directory
    /// walk yields it), so a walk computes each file's canonical path as <c>prefix + relative</c>
    /// instead of asking <see cref="System.IO.Path.GetRelativePath(string, string)"/> for every file:
    /// empty at the root, <c>sub/</c> below it. Null when the directory is not at or below the root
    /// (some files below an ancestor of the root are inside it): then ask <see cref="Of"/> per file.
    /// </summary>
    public static string? PrefixBelow(string root, string directory)
    {
        string rel = System.IO.Path.GetRelativePath(root, directory);
        if (rel == ".")
        {
            return "";
        }
        return rel == ".." || rel.StartsWith("../", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(rel)
            ? null
            : rel.TrimEnd('/') + "/";
    }

    /// <summary>
    /// A path the way a person typed it, tidied for display: no leading <c>./</c> (any number), no
    /// trailing <c>/</c>, <c>.</c> for the current directory; otherwise unchanged.
    /// </summary>
    public static string TidyGiven(string given)
    {
        string g = given;
        while (g.StartsWith("./", StringComparison.Ordinal))
        {
            g = g[2..].TrimStart('/');
        }
        while (g.Length > 1 && g.EndsWith('/'))
        {
            g = g[..^1];
        }
        return g.Length == 0 ? "." : g;
    }

    /// <summary><paramref name="relative"/> below the directory given as <paramref name="given"/>, for display.</summary>
    public static string Join(string given, string relative)
    {
        string g = TidyGiven(given);
        return g == "." ? relative : g.EndsWith('/') ? g + relative : g + "/" + relative;
    }
}
