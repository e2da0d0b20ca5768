using SecretHook.Core.Rules;

namespace SecretHook.Core.Configuration;

/// <summary>A rule id listed under <c>disable</c>, with where it was written (for the unknown-id error).</summary>
public sealed record DisabledRule(string Id, SourceLocation Location);

/// <summary>
/// A parsed, validated <c>.secrethook.yaml</c>: custom rules, disabled rule ids, whether the built-in
/// pack is extended or replaced, the global allowlist (path globs, secret regexes, stopwords) and the
/// file-size limit. Immutable; <see cref="Default"/> is the configuration used when there is no file.
/// </summary>
public sealed class ScanConfig
{
    /// <summary>Creates a configuration; <see cref="ConfigLoader"/> validates the values first.</summary>
    public ScanConfig(string? file, bool extend, IReadOnlyList<Rule> rules, IReadOnlyList<DisabledRule> disable,
        IReadOnlyList<string> allowPaths, Allowlist allowlist, long? maxFileSize, SourceLocation? extendLocation = null)
    {
        File = file;
        Extend = extend;
        Rules = rules;
        Disable = disable;
        AllowPaths = allowPaths;
        Allowlist = allowlist;
        MaxFileSize = maxFileSize;
        ExtendLocation = extendLocation;
    }

    /// <summary>No file: the built-in pack, nothing disabled, nothing allowed, default limits.</summary>
    public static ScanConfig Default { get; } = new(null, true, [], [], [], Allowlist.Empty, null);

    /// <summary>The file's display name, or null for <see cref="Default"/>.</summary>
    public string? File { get; }

    /// <summary>True (the default) to add <see cref="Rules"/> to the built-in pack; false to replace the pack.</summary>
    public bool Extend { get; }

    /// <summary>Where <c>extend</c> was written, if it was.</summary>
    public SourceLocation? ExtendLocation { get; }

    /// <summary>Custom rules (same schema as <c>patterns/*.yaml</c>), regexes already compiled once to validate them.</summary>
    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>Rule ids not to run.</summary>
    public IReadOnlyList<DisabledRule> Disable { get; }

    /// <summary>Globs (relative, forward slashes) of paths whose findings are dropped.</summary>
    public IReadOnlyList<string> AllowPaths { get; }

    /// <summary>Secret regexes and stopwords added to every rule's checks.</summary>
    public Allowlist Allowlist { get; }

    /// <summary>Whether gitleaks' and detect-secrets' inline markers allow a line too (default true).</summary>
    public bool CompatibleMarkers { get; init; } = true;

    /// <summary>The inline markers that allow a line's findings, ASCII case-insensitively.</summary>
    public IReadOnlyList<string> InlineMarkers => CompatibleMarkers
        ? [Detection.Detector.InlineAllowMarker, "gitleaks:allow", "pragma: allowlist secret"]
        : [Detection.Detector.InlineAllowMarker];

    /// <summary>The largest file scanned, in bytes, if set.</summary>
    public long? MaxFileSize { get; }

    /// <summary>How many levels of encoding are looked through (<c>max-decode-depth</c>), if set.</summary>
    public int? DecodeDepth { get; init; }

    /// <summary>Whether this configuration changes nothing about the rule set.</summary>
    public bool LeavesRulesAlone => Extend && Rules.Count == 0 && Disable.Count == 0 && Allowlist.IsEmpty;
}
