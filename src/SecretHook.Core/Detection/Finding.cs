namespace SecretHook.Core.Detection;

/// <summary>A span of UTF-16 code units in a finding's <see cref="Finding.LineText"/>.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    /// <summary>The index just past the span.</summary>
    public int End => Start + Length;
}

/// <summary>
/// One reported secret. <see cref="Secret"/> and <see cref="LineText"/> hold plaintext in memory only:
/// reporters show them through <see cref="Reporting.Redaction"/> unless told otherwise, and
/// <see cref="ToString"/> never includes them. <see cref="File"/> is the canonical path (the identity
/// that fingerprints, ignore files, baselines, path allowlists and SARIF use: repository-relative with
/// <c>/</c> separators); <see cref="DisplayFile"/> is the path shown to a person. Lines and columns
/// are 1-based, columns count UTF-16 code units (as SARIF does), and the end column is the one just
/// past the secret's last character.
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
    private readonly string? _displayFile;

    /// <summary>Where <see cref="Secret"/> starts in <see cref="LineText"/> (UTF-16 index).</summary>
    public int SnippetOffset { get; init; }

    /// <summary>
    /// Every span of <see cref="LineText"/> that holds a secret the detector matched — this finding's
    /// own and those of every other match on the line, including ones later suppressed — so that a
    /// printed line never shows any of them.
    /// </summary>
    public IReadOnlyList<TextSpan> SecretSpans { get; init; } = [];

    /// <summary>The path shown to a person (as the scan was invoked); <see cref="File"/> when not set.</summary>
    public string DisplayFile
    {
        get => _displayFile ?? File;
        init => _displayFile = value;
    }

    /// <summary>How the secret was encoded where it was found (<c>base64</c>, <c>percent</c>, <c>escape</c>, or nested as <c>base64+percent</c>); null when it was written plainly.</summary>
    public string? Decoded { get; init; }

    /// <summary>Whether the finding's line carries an inline allow marker (such as <c>secrethook:allow</c>).</summary>
    public bool InlineAllowed { get; init; }

    /// <summary>What the provider said of the secret (<c>--verify</c>), or null when it was not asked.</summary>
    public Verification.VerificationResult? Verification { get; init; }

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

    /// <summary>Rule, position and fingerprint — never the secret or its line.</summary>
    public override string ToString() =>
        $"{RuleId} at {File}:{Line}:{Column}{(Commit is { } c ? $" (commit {c.ShortSha})" : "")} [{Fingerprint}]";
}
