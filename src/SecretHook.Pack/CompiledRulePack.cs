using SecretHook.Core.Matching;
using SecretHook.Core.Rules;

namespace SecretHook.Pack;

/// <summary>
/// The built-in rule pack as the executable ships it: the binary form that the build compiles from
/// <c>patterns/*.yaml</c> (resource <c>rules.pack</c>), read in well under a millisecond, and the
/// keyword automaton a detector builds for it with the default configuration (resource
/// <c>keywords.automaton</c>), which a detector then reads instead of computing, and every vetted
/// pattern compiled at build time by the regex source generator, which the rules then use instead of
/// the interpreter (<see cref="Rule.OfferPrebuiltRegexes"/>).
/// </summary>
public static class CompiledRulePack
{
    /// <summary>The manifest resource name of the compiled pack.</summary>
    public const string ResourceName = "rules.pack";

    /// <summary>The manifest resource name of the pack's prebuilt keyword automaton.</summary>
    public const string AutomatonResourceName = "keywords.automaton";

    private static readonly Lazy<RuleSet> Pack = new(Read, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>How many vetted patterns are compiled into the assembly.</summary>
    public static int GeneratedPatternCount => GeneratedPatterns.Count;

    /// <summary>The regex compiled at build time for exactly <paramref name="pattern"/>, or null.</summary>
    public static System.Text.RegularExpressions.Regex? GeneratedRegex(string pattern) => GeneratedPatterns.Lookup(pattern);

    /// <summary>The built-in rules (loaded once per process); from then on vetted patterns use the compiled regexes.</summary>
    public static RuleSet Load() => Pack.Value;

    private static RuleSet Read()
    {
        Rule.OfferPrebuiltRegexes(GeneratedPatterns.Lookup);
        var assembly = typeof(CompiledRulePack).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the executable has no '{ResourceName}' resource (a build defect)");
        var rules = RulePackSerializer.Read(stream);
        if (assembly.GetManifestResourceInfo(AutomatonResourceName) is not null)
        {
            KeywordAutomatonBuilder.OfferPrebuilt(() => assembly.GetManifestResourceStream(AutomatonResourceName)!);
        }
        return rules;
    }
}
