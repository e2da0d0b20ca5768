using System.Text.RegularExpressions;
using SecretHook.Core.Configuration;
using SecretHook.Core.Rules;
using SecretHook.Pack;

namespace SecretHook.Cli.Tests.Scan;

/// <summary>
/// The built-in pack's vetted patterns are compiled at build time ([GeneratedRegex]): every one the
/// shipped rules use (with a fallback rule's <see cref="SecretBounds"/> patterns) is there with the vetted options and timeout, the shipped rules run them, and
/// they match exactly what the interpreter matches.
/// </summary>
public sealed class GeneratedPatternsTests
{
    private static readonly RuleSet Shipped = ConfigLoader.Compose(CompiledRulePack.Load(), null, ScanConfig.Default).RuleSet!;

    private static IEnumerable<string> VettedPatterns(RuleSet set) =>
        set.Rules.Where(r => r.Vetted).SelectMany(r => r.Fallback && SecretBounds.Derive(r.Pattern) is { } b ? new[] { r.Pattern, b.Start, b.End } : [r.Pattern])
            .Concat(set.Rules.Where(r => r.Allowlist.Vetted).SelectMany(r => r.Allowlist.RegexSources))
            .Concat(set.GlobalAllowlist.Vetted ? set.GlobalAllowlist.RegexSources : [])
            .Distinct(StringComparer.Ordinal);

    [Fact]
    public void Every_vetted_pattern_of_the_shipped_pack_is_compiled_with_the_vetted_options_and_timeout()
    {
        var patterns = VettedPatterns(Shipped).ToList();
        Assert.True(patterns.Count > 300, $"only {patterns.Count} vetted patterns");
        Assert.Equal(patterns.Count, CompiledRulePack.GeneratedPatternCount);
        foreach (string pattern in patterns)
        {
            var regex = CompiledRulePack.GeneratedRegex(pattern);
            Assert.NotNull(regex);
            Assert.Equal(pattern, regex.ToString());
            Assert.Equal(Rule.VettedOptions, regex.Options);
            Assert.Equal(Rule.VettedTimeout, regex.MatchTimeout);
            Assert.NotEqual(typeof(Regex), regex.GetType()); // a generated subclass, not the interpreter
        }
        Assert.Null(CompiledRulePack.GeneratedRegex(patterns[0] + "x"));
    }

    [Fact]
    public void Shipped_rules_and_allowlists_run_the_compiled_regexes()
    {
        foreach (var rule in Shipped.Rules.Where(r => r.Vetted))
        {
            Assert.Same(CompiledRulePack.GeneratedRegex(rule.Pattern), rule.Regex);
        }
        // A user's rule never does, even with a built-in pattern: it runs on the linear-time engine.
        string builtIn = Shipped.Rules.First(r => r.Vetted).Pattern.Replace("'", "''", StringComparison.Ordinal);
        var user = RuleLoader.Load([new RuleSource("user.yaml", $"""
            provider: Me
            rules:
              - id: my-rule
                description: a user's own rule
                keywords: [zzq_]
                regex: '{builtIn}'
                remediation: rotate it
            """)], compileRegexes: false);
        Assert.True(user.Success, string.Join("\n", user.Errors));
        var mine = user.RuleSet!;
        Assert.True((mine.Rules[0].Regex.Options & RegexOptions.NonBacktracking) != 0);
        Assert.Equal(typeof(Regex), mine.Rules[0].Regex.GetType());
    }

    [Fact]
    public void Compiled_regexes_match_exactly_what_the_interpreter_matches()
    {
        var random = new Random(11);
        int compared = 0;
        // The binary pack leaves the examples out: they come from the YAML pack.
        foreach (var rule in BuiltInRules.Load().Rules)
        {
            var compiled = CompiledRulePack.GeneratedRegex(rule.Pattern)!;
            var interpreted = new Regex(rule.Pattern, Rule.VettedOptions);
            var inputs = rule.Examples.Positive.Select(t => TemplateExpander.Expand(t, random))
                .Concat(rule.Examples.Negative)
                .ToList();
            // Each positive example also inside noise, truncated, and twice on one line.
            inputs.AddRange(inputs.ToList().SelectMany(s => new[] { "x = '" + s + "'\n", s[..(s.Length / 2)], s + " " + s, "\t" + s + "\r\n" }));
            foreach (string input in inputs)
            {
                Assert.Equal(Describe(interpreted, input), Describe(compiled, input));
                compared++;
            }
        }
        Assert.True(compared > 2000, $"only {compared} inputs compared");
    }

    private static string Describe(Regex regex, string input) =>
        string.Join(";", regex.Matches(input).Select(m => $"{m.Index}+{m.Length}:{m.Groups[Rule.SecretGroup].Index}+{m.Groups[Rule.SecretGroup].Length}"));
}
