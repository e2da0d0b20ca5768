using System.Text.RegularExpressions;
using SecretHook.Core.Detection;

namespace SecretHook.Core.Rules;

/// <summary>
/// One detection rule, immutable once loaded: keywords for the prefilter, a regex with a
/// <c>secret</c> group that runs only on a window around a keyword hit, and the checks that follow
/// (entropy, allowlist). The regex is compiled on first use, so a rule whose keywords never occur
/// costs nothing.
/// </summary>
public sealed class Rule
{
    /// <summary>Options every rule regex runs with: linear time, line-aware anchors, culture-free.</summary>
    public const RegexOptions Options =
        RegexOptions.NonBacktracking | RegexOptions.Multiline | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>The name of the capture group that holds the secret.</summary>
    public const string SecretGroup = "secret";

    private readonly Lazy<Regex> _regex;

    /// <summary>Creates a rule; <see cref="RuleLoader"/> validates the values before calling this.</summary>
    public Rule(string id, string provider, string description, IReadOnlyList<string> keywords, string pattern,
        double? entropy, bool multiline, bool fallback, Allowlist allowlist, string remediation,
        RuleExamples examples, SourceLocation location)
    {
        Id = id;
        Provider = provider;
        Description = description;
        Keywords = keywords;
        Pattern = pattern;
        Entropy = entropy;
        Multiline = multiline;
        Fallback = fallback;
        Allowlist = allowlist;
        Remediation = remediation;
        Examples = examples;
        Location = location;
        _regex = new Lazy<Regex>(() => Compile(pattern), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Unique id, lower-case kebab (e.g. <c>huggingface-user-token</c>).</summary>
    public string Id { get; }

    /// <summary>The provider or family the rule belongs to.</summary>
    public string Provider { get; }

    /// <summary>One line saying what the secret is.</summary>
    public string Description { get; }

    /// <summary>ASCII literals; a chunk triggers the rule when it contains one (case-insensitively).</summary>
    public IReadOnlyList<string> Keywords { get; }

    /// <summary>The regex source; it has a group named <see cref="SecretGroup"/>.</summary>
    public string Pattern { get; }

    /// <summary>Minimum Shannon entropy (bits per character) of the secret, if any.</summary>
    public double? Entropy { get; }

    /// <summary>Whether the regex may span lines (up to <see cref="Detection.Detector.MultilineWindow"/> bytes).</summary>
    public bool Multiline { get; }

    /// <summary>A broad rule whose finding yields to a specific rule's finding on the same secret.</summary>
    public bool Fallback { get; }

    /// <summary>
    /// Orders fallback rules among themselves: when two fallback findings overlap, the one with the
    /// higher priority stays (ties: the rule loaded first). Specific rules always win over fallbacks.
    /// </summary>
    public int Priority { get; init; }

    /// <summary>The structural check applied to the secret, if any (see <see cref="StructureChecks"/>).</summary>
    public StructureCheck Structure { get; init; }

    /// <summary>Secrets this rule must not report.</summary>
    public Allowlist Allowlist { get; }

    /// <summary>What to do when the rule fires.</summary>
    public string Remediation { get; }

    /// <summary>True-positive templates and false-positive literals.</summary>
    public RuleExamples Examples { get; }

    /// <summary>Where the rule was defined.</summary>
    public SourceLocation Location { get; }

    /// <summary>The compiled regex (compiled on first access, thread-safe).</summary>
    public Regex Regex => _regex.Value;

    /// <summary>Compiles a rule regex with <see cref="Options"/>.</summary>
    public static Regex Compile(string pattern) => new(pattern, Options);
}

/// <summary>A rule's examples: positive templates (see <see cref="TemplateExpander"/>) and negative literals.</summary>
public sealed record RuleExamples(IReadOnlyList<string> Positive, IReadOnlyList<string> Negative)
{
    /// <summary>No examples.</summary>
    public static RuleExamples None { get; } = new([], []);
}

/// <summary>A position in a rule file, 1-based.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}";
}
