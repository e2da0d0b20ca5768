namespace SecretHook.Core.Detection;

/// <summary>
/// A commit that bytes came from, for findings in git history (short sha and subject for humans,
/// the full sha for machines).
/// </summary>
public sealed record CommitInfo(string Sha, string Subject, string? Author = null, string? Date = null)
{
    /// <summary>The first 8 hex digits of <see cref="Sha"/>.</summary>
    public string ShortSha => Sha.Length > 8 ? Sha[..8] : Sha;
}

/// <summary>
/// Bytes to scan and where they came from: the canonical path (the finding identity: repository-
/// relative with <c>/</c> separators), the path to display, the 1-based line number of the first
/// byte, and optionally a per-line map for chunks whose lines are not consecutive in the file (the
/// added lines of a diff hunk). Every source (directory, stdin, git) produces chunks; the detector
/// never knows which.
/// </summary>
public readonly record struct Chunk(ReadOnlyMemory<byte> Content, string Path, int FirstLine = 1,
    IReadOnlyList<int>? LineNumbers = null, CommitInfo? Commit = null, string? DisplayPath = null)
{
    /// <summary>The file line of chunk line <paramref name="index"/> (0-based).</summary>
    public int FileLine(int index) =>
        LineNumbers is { } map && index < map.Count ? map[index] : FirstLine + index;
}
