namespace SecretHook.Core.Rules;

/// <summary>
/// An immutable, validated collection of rules with unique ids, plus the allowlist that applies to
/// every rule.
/// </summary>
public sealed class RuleSet
{
    private readonly Dictionary<string, Rule> _byId;

    /// <summary>Creates a rule set; ids must be unique (the loader reports duplicates as errors).</summary>
    public RuleSet(IReadOnlyList<Rule> rules, Allowlist globalAllowlist)
    {
        Rules = rules;
        GlobalAllowlist = globalAllowlist;
        _byId = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>The rules, in load order.</summary>
    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>Secrets no rule reports.</summary>
    public Allowlist GlobalAllowlist { get; }

    /// <summary>The rule with id <paramref name="id"/>, or null.</summary>
    public Rule? Find(string id) => _byId.GetValueOrDefault(id);
}
