namespace SecretHook.Core.Rules;

/// <summary>
/// The rule pack shipped in the binary: every <c>patterns/*.yaml</c> file, embedded at build time as a
/// manifest resource named <c>patterns/FILE.yaml</c>. Reading a resource is not file-system access.
/// </summary>
public static class BuiltInRules
{
    private const string Prefix = "patterns/";

    /// <summary>The embedded rule files, ordered by name.</summary>
    public static IReadOnlyList<RuleSource> Sources()
    {
        var assembly = typeof(BuiltInRules).Assembly;
        var sources = new List<RuleSource>();
        foreach (var name in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(".yaml", StringComparison.Ordinal))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            sources.Add(new RuleSource(name, reader.ReadToEnd()));
        }
        return sources;
    }

    /// <summary>Loads the built-in pack; regexes compile lazily.</summary>
    /// <exception cref="InvalidOperationException">The embedded pack is invalid (a build defect).</exception>
    public static RuleSet Load()
    {
        var result = RuleLoader.Load(Sources(), compileRegexes: false, vetted: true);
        return result.RuleSet ?? throw new InvalidOperationException(
            "the built-in rule pack is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, result.Errors));
    }
}
