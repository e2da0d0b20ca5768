using System.Text.RegularExpressions;
using SecretHook.Core.Detection;
using SecretHook.Core.Verification;

namespace SecretHook.Core.Rules;

/// <summary>
/// One detection rule, immutable once loaded: keywords for the prefilter, a regex with a
/// <c>secret</c> group that runs only on a window around a keyword hit, and the checks that follow
/// (entropy, allowlist). The regex is compiled on first use, so a rule whose keywords never occur
/// costs nothing.
/// </summary>
public sealed class Rule
{
    /// <summary>Options of the linear-time engine every rule must compile under: line-aware anchors, culture-free.</summary>
    public const RegexOptions Options =
        RegexOptions.NonBacktracking | RegexOptions.Multiline | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>Options of the backtracking interpreter that vetted (built-in) rules run on first.</summary>
    public const RegexOptions VettedOptions =
        RegexOptions.Multiline | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>
    /// How long a vetted rule's backtracking match may run on one window before the detector redoes it
    /// with the linear-time engine. Windows are at most ~17 KB and vetted patterns are bounded, so a
    /// match takes microseconds; the limit only guards against a pattern that backtracks badly.
    /// </summary>
    public static readonly TimeSpan VettedTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The name of the capture group that holds the secret.</summary>
    public const string SecretGroup = "secret";

    private readonly Lazy<Regex> _regex;
    private readonly Lazy<Regex> _linear;
    private readonly Lazy<(Regex Start, Regex End)?> _bounds;

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
        // A group inside a lookaround (or a conditional's test) can capture text outside the match.
        SecretWithinMatch = !(pattern.Contains("(?=", StringComparison.Ordinal) || pattern.Contains("(?!", StringComparison.Ordinal)
            || pattern.Contains("(?<=", StringComparison.Ordinal) || pattern.Contains("(?<!", StringComparison.Ordinal)
            || pattern.Contains("(?(", StringComparison.Ordinal));
        _linear = new Lazy<Regex>(() => Compile(pattern), LazyThreadSafetyMode.ExecutionAndPublication);
        _regex = new Lazy<Regex>(() => Vetted ? CompileVetted(pattern) : _linear.Value, LazyThreadSafetyMode.ExecutionAndPublication);
        _bounds = new Lazy<(Regex Start, Regex End)?>(() => Vetted ? CompileBounds(pattern) : null, LazyThreadSafetyMode.ExecutionAndPublication);
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

    /// <summary>
    /// Whether the <see cref="SecretGroup"/> group always lies inside its match: the pattern has no
    /// lookaround or conditional (read from its text, so an escaped <c>\(?=</c> only makes it false).
    /// </summary>
    internal bool SecretWithinMatch { get; }

    /// <summary>Whether the regex may span lines (up to <see cref="Detection.Detector.MultilineWindow"/> bytes).</summary>
    public bool Multiline { get; }

    /// <summary>
    /// How many bytes before a keyword hit a match can start (<c>window.before</c> in YAML; null: the
    /// default window). 0 means the match starts on the keyword's own line. The detector runs the regex
    /// only on this window, so a rule whose match begins at or near its keyword pays for a few bytes,
    /// not for the whole line or 4 KiB of preceding text.
    /// </summary>
    public int? WindowBefore { get; init; }

    /// <summary>How many bytes after a keyword hit a match can end (<c>window.after</c>; null: the default window).</summary>
    public int? WindowAfter { get; init; }

    /// <summary>A broad rule whose finding yields to a specific rule's finding on the same secret.</summary>
    public bool Fallback { get; }

    /// <summary>
    /// Orders fallback rules among themselves: when two fallback findings overlap, the one with the
    /// higher priority stays (ties: the rule loaded first). Specific rules always win over fallbacks.
    /// </summary>
    public int Priority { get; init; }

    /// <summary>The structural check applied to the secret, if any (see <see cref="StructureChecks"/>).</summary>
    public StructureCheck Structure { get; init; }

    /// <summary>
    /// How to ask the provider whether a found secret is live (<c>verify:</c> in YAML), or null when
    /// the rule has no check. Used only when the user asks for verification.
    /// </summary>
    public VerifySpec? Verify { get; init; }

    /// <summary>Secrets this rule must not report.</summary>
    public Allowlist Allowlist { get; }

    /// <summary>What to do when the rule fires.</summary>
    public string Remediation { get; }

    /// <summary>True-positive templates and false-positive literals.</summary>
    public RuleExamples Examples { get; }

    /// <summary>Where the rule was defined.</summary>
    public SourceLocation Location { get; }

    /// <summary>
    /// Whether the pattern ships with the tool (the built-in pack): it then runs on .NET's backtracking
    /// interpreter, whose construction costs ~0.01 ms against ~1.2 ms for the linear-time engine under
    /// native AOT (measured over the 191-rule pack: 1.5 ms against 240 ms), which matters to a commit
    /// hook that triggers a handful of rules. User-supplied rules always run on the linear-time engine.
    /// </summary>
    public bool Vetted { get; init; }

    /// <summary>
    /// The regex the detector runs first (compiled on first access, thread-safe): the backtracking one
    /// with <see cref="VettedTimeout"/> for a vetted rule, else <see cref="LinearRegex"/>.
    /// </summary>
    public Regex Regex => _regex.Value;

    /// <summary>
    /// For a vetted rule whose pattern has the shape <see cref="SecretBounds"/> needs, its two patterns
    /// with <see cref="VettedOptions"/>, backtracking like <see cref="Regex"/> (compiled at build time
    /// for the fallback rules, else built on the interpreter at first access; thread-safe): the detector
    /// finds the secret's span from match spans alone and allocates only for a secret it keeps. Null otherwise.
    /// </summary>
    internal (Regex Start, Regex End)? BoundsRegexes => _bounds.Value;

    /// <summary>
    /// The <see cref="SecretBounds"/> of a vetted pattern, compiled; null when it has none, or when a
    /// derived pattern does not compile (a misread of the pattern's syntax must cost the allocation-free
    /// path, never the scan).
    /// </summary>
    private static (Regex Start, Regex End)? CompileBounds(string pattern)
    {
        if (SecretBounds.Derive(pattern) is not { } b)
        {
            return null;
        }
        try
        {
            return (CompileVetted(b.Start), CompileVetted(b.End));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The same pattern on the linear-time engine, which cannot backtrack catastrophically.</summary>
    public Regex LinearRegex => _linear.Value;

    /// <summary>Compiles a rule regex with <see cref="Options"/> (linear time).</summary>
    public static Regex Compile(string pattern) => new(pattern, Options);

    /// <summary>
    /// A vetted regex with <see cref="VettedOptions"/> and <see cref="VettedTimeout"/>: the prebuilt
    /// (source-generated) instance for <paramref name="pattern"/> when one was offered
    /// (<see cref="OfferPrebuiltRegexes"/>), else the backtracking interpreter.
    /// </summary>
    public static Regex CompileVetted(string pattern) =>
        Volatile.Read(ref s_prebuilt)?.Invoke(pattern) ?? new(pattern, VettedOptions, VettedTimeout);

    private static Func<string, Regex?>? s_prebuilt;

    /// <summary>
    /// Offers regexes compiled at build time for the built-in pack's patterns (<c>[GeneratedRegex]</c>
    /// sources the pack compiler writes): <paramref name="lookup"/> returns the instance whose pattern is
    /// exactly the one asked for, with <see cref="VettedOptions"/> and <see cref="VettedTimeout"/>, or
    /// null. Such a regex matches exactly what the interpreter does, at compiled speed under native AOT
    /// and without parsing the pattern at run time. Null withdraws the offer.
    /// </summary>
    public static void OfferPrebuiltRegexes(Func<string, Regex?>? lookup) => Volatile.Write(ref s_prebuilt, lookup);
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
