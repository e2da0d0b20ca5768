using SecretHook.Core.Rules;

namespace SecretHook.Cli.Rules;

/// <summary>
/// The built-in rule pack as the executable ships it: the binary form that the build compiles from
/// <c>patterns/*.yaml</c> (resource <c>rules.pack</c>), read in well under a millisecond.
/// </summary>
public static class CompiledRulePack
{
    /// <summary>The manifest resource name of the compiled pack.</summary>
    public const string ResourceName = "rules.pack";

    private static readonly Lazy<RuleSet> Pack = new(Read, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The built-in rules (loaded once per process).</summary>
    public static RuleSet Load() => Pack.Value;

    private static RuleSet Read()
    {
        using var stream = typeof(CompiledRulePack).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the executable has no '{ResourceName}' resource (a build defect)");
        return RulePackSerializer.Read(stream);
    }
}
