using SecretHook.Core.Matching;
using SecretHook.Core.Rules;

namespace SecretHook.Cli.Rules;

/// <summary>
/// The built-in rule pack as the executable ships it: the binary form that the build compiles from
/// <c>patterns/*.yaml</c> (resource <c>rules.pack</c>), read in well under a millisecond, and the
/// keyword automaton a detector builds for it with the default configuration (resource
/// <c>keywords.automaton</c>), which a detector then reads instead of computing.
/// </summary>
public static class CompiledRulePack
{
    /// <summary>The manifest resource name of the compiled pack.</summary>
    public const string ResourceName = "rules.pack";

    /// <summary>The manifest resource name of the pack's prebuilt keyword automaton.</summary>
    public const string AutomatonResourceName = "keywords.automaton";

    private static readonly Lazy<RuleSet> Pack = new(Read, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The built-in rules (loaded once per process).</summary>
    public static RuleSet Load() => Pack.Value;

    private static RuleSet Read()
    {
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
