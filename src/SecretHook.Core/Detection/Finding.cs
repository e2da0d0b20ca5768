namespace SecretHook.Core.Detection;

/// <summary>
/// One reported secret. <see cref="Secret"/> holds the plaintext in memory only; reporters redact it
/// unless told otherwise. Lines and columns are 1-based, columns count UTF-16 code units (as SARIF
/// does), and the end column is the one just past the secret's last character.
/// </summary>
public sealed record Finding(
    string RuleId,
    string Description,
    string File,
    int Line,
    int Column,
    int EndLine,
    int EndColumn,
    string Secret,
    string LineText,
    string Fingerprint,
    CommitInfo? Commit = null)
{
    /// <summary>Where <see cref="Secret"/> starts in <see cref="LineText"/> (UTF-16 index).</summary>
    public int SnippetOffset { get; init; }

    /// <summary>Whether the rule's structure check (checksum, JWT JSON, PEM body) passed, if it has one.</summary>
    public StructureVerdict Structure { get; init; }

    /// <summary>Orders findings by file, line, column, rule id (and commit, for history scans).</summary>
    public static IComparer<Finding> Order { get; } = Comparer<Finding>.Create(static (a, b) =>
    {
        int c = string.CompareOrdinal(a.File, b.File);
        if (c == 0) { c = a.Line.CompareTo(b.Line); }
        if (c == 0) { c = a.Column.CompareTo(b.Column); }
        if (c == 0) { c = string.CompareOrdinal(a.RuleId, b.RuleId); }
        if (c == 0) { c = string.CompareOrdinal(a.Commit?.Sha, b.Commit?.Sha); }
        return c;
    });
}
