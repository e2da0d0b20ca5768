using System.Text;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Rules;

/// <summary>
/// Every built-in rule proves itself: its true-positive templates, expanded with seeded generators,
/// pass the keyword prefilter and are reported by the rule; its false positives trip no rule at all.
/// </summary>
public sealed class CatalogueTests
{
    private static readonly Lazy<RuleSet> Pack = new(() =>
    {
        // As the executable runs them: vetted (backtracking first), and every regex also compiled on
        // the linear-time engine that the detector falls back to.
        var result = RuleLoader.Load(BuiltInRules.Sources(), compileRegexes: true, vetted: true);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.RuleSet!;
    });

    private static readonly Lazy<Detector> Engine = new(() => new Detector(Pack.Value));

    /// <summary>How many expansions of each template are tried (each with its own seed).</summary>
    private const int Expansions = 4;

    public static TheoryData<string> RuleIds()
    {
        var data = new TheoryData<string>();
        foreach (var rule in Pack.Value.Rules)
        {
            data.Add(rule.Id);
        }
        return data;
    }

    [Fact]
    public void Catalogue_pack_loads_with_every_regex_compiled_and_ids_unique()
    {
        var ids = Pack.Value.Rules.Select(r => r.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.NotEmpty(ids);
        foreach (var rule in Pack.Value.Rules)
        {
            Assert.Contains(Rule.SecretGroup, rule.Regex.GetGroupNames());
        }
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Catalogue_rule_has_examples_of_both_kinds(string id)
    {
        var rule = Pack.Value.Find(id)!;
        Assert.True(rule.Examples.Positive.Count >= 1, $"{id} has no true-positive template");
        Assert.True(rule.Examples.Negative.Count >= 1, $"{id} has no false-positive example");
        Assert.False(string.IsNullOrWhiteSpace(rule.Remediation));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Catalogue_true_positives_pass_the_prefilter_and_fire_their_rule(string id)
    {
        var rule = Pack.Value.Find(id)!;
        var problems = new List<string>();
        for (int t = 0; t < rule.Examples.Positive.Count; t++)
        {
            for (int k = 0; k < Expansions; k++)
            {
                string text = TemplateExpander.Expand(rule.Examples.Positive[t], new Random(Seed(id, t, k)));
                var bytes = Encoding.UTF8.GetBytes(text);
                if (!Engine.Value.TriggeredRules(bytes).Contains(rule))
                {
                    problems.Add($"prefilter said no: {text}");
                    continue;
                }
                var findings = Engine.Value.ScanText(text);
                if (!findings.Any(f => f.RuleId == id))
                {
                    string others = findings.Count == 0 ? "nothing" : string.Join(", ", findings.Select(f => f.RuleId));
                    problems.Add($"not reported (got {others}): {text}");
                }
            }
        }
        Assert.True(problems.Count == 0, $"{id}:\n" + string.Join("\n", problems.Distinct()));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Catalogue_rules_with_a_structure_check_have_a_positive_that_passes_it(string id)
    {
        var rule = Pack.Value.Find(id)!;
        if (rule.Structure == StructureCheck.None)
        {
            return;
        }
        var verdicts = rule.Examples.Positive
            .Select((t, i) => TemplateExpander.Expand(t, new Random(Seed(id, i, 0))))
            .SelectMany(text => Engine.Value.ScanText(text).Where(f => f.RuleId == id))
            .Select(f => f.Structure)
            .ToList();
        Assert.Contains(StructureVerdict.Valid, verdicts);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Catalogue_false_positives_fire_no_rule(string id)
    {
        var rule = Pack.Value.Find(id)!;
        var problems = new List<string>();
        foreach (var text in rule.Examples.Negative)
        {
            foreach (var f in Engine.Value.ScanText(text))
            {
                problems.Add($"{f.RuleId} fired on: {text}");
            }
        }
        Assert.True(problems.Count == 0, $"{id}:\n" + string.Join("\n", problems));
    }

    /// <summary>A seed that depends only on the rule id and the example's index (FNV-1a, stable across runs).</summary>
    internal static int Seed(string id, int template, int expansion)
    {
        uint h = 2166136261;
        foreach (char c in id)
        {
            h = (h ^ c) * 16777619;
        }
        h = (h ^ (uint)template) * 16777619;
        h = (h ^ (uint)expansion) * 16777619;
        return (int)(h & 0x7FFFFFFF);
    }
}
