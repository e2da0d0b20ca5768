using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Rules;

public sealed class RuleLoaderTests
{
    private static RuleLoadResult Load(string yaml, bool compile = true) =>
        RuleLoader.Load([new RuleSource("custom.yaml", yaml)], compile);

    private const string Valid = """
        provider: Acme
        rules:
          - id: acme-key
            description: Acme key
            keywords: [acme_]
            regex: '(?<secret>acme_[a-z0-9]{20})'
            entropy: 3
            allowlist:
              stopwords: [example]
            remediation: Rotate it.
            examples:
              positive: ['k = acme_${lower:20}']
              negative: ['acme_example']
        """;

    [Fact]
    public void Loads_a_valid_file()
    {
        var result = Load(Valid);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        var rule = Assert.Single(result.RuleSet!.Rules);
        Assert.Equal("acme-key", rule.Id);
        Assert.Equal("Acme", rule.Provider);
        Assert.Equal(["acme_"], rule.Keywords);
        Assert.Equal(3.0, rule.Entropy);
        Assert.Equal(["example"], rule.Allowlist.Stopwords);
    }

    [Fact]
    public void Reports_every_problem_with_its_position()
    {
        const string yaml = """
            rules:
              - id: bad-one
                description: x
                keywords: [ab]
                regex: '(?<secret>[a-z'
                remediation: r
                colour: blue
              - id: Bad_Two
                description: y
                keywords: [abc]
                regex: 'abc'
                entropy: 12
              - id: bad-three
                description: z
                keywords: [xyz]
                regex: '(?<=x)(?<secret>yz)'
                remediation: r
            """;
        var errors = Load(yaml).Errors.Select(e => e.ToString()).ToList();
        Assert.Contains("custom.yaml:4:16: rule bad-one: keyword 'ab' is shorter than 3 characters", errors);
        Assert.Contains(errors, e => e.StartsWith("custom.yaml:5:", StringComparison.Ordinal) && e.Contains("rule bad-one: invalid regex", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("custom.yaml:7:5: rule bad-one: unknown key 'colour'", StringComparison.Ordinal));
        Assert.Contains("custom.yaml:8:9: rule Bad_Two: id must be lower-case letters, digits and '-'", errors);
        Assert.Contains("custom.yaml:11:12: rule Bad_Two: regex has no group named 'secret'", errors);
        Assert.Contains("custom.yaml:12:14: rule Bad_Two: 'entropy' must be a number from 0 to 8 (bits per character)", errors);
        Assert.Contains("custom.yaml:8:5: rule Bad_Two: missing required key 'remediation'", errors);
        Assert.Contains(errors, e => e.StartsWith("custom.yaml:16:12: rule bad-three: regex is not supported by the linear-time engine", StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_duplicate_ids_across_files()
    {
        var result = RuleLoader.Load([new RuleSource("a.yaml", Valid), new RuleSource("b.yaml", Valid)], compileRegexes: true);
        var error = Assert.Single(result.Errors);
        Assert.Equal("b.yaml:3:5: rule acme-key: duplicate rule id (first defined at a.yaml:3:5)", error.ToString());
    }

    [Fact]
    public void Reports_yaml_syntax_errors()
    {
        var error = Assert.Single(Load("rules:\n  - id: [unclosed\n").Errors);
        Assert.StartsWith("custom.yaml:", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("invalid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_bad_templates()
    {
        var error = Assert.Single(Load(Valid.Replace("${lower:20}", "${lower:x}", StringComparison.Ordinal)).Errors);
        Assert.Contains("positive example: placeholder '${lower:x}' needs a count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_compilation_a_bad_regex_is_not_compiled_until_used()
    {
        var result = Load(Valid.Replace("[a-z0-9]{20}", "[a-z0-9", StringComparison.Ordinal), compile: false);
        Assert.True(result.Success);
        Assert.ThrowsAny<ArgumentException>(() => result.RuleSet!.Rules[0].Regex);
    }

    [Fact]
    public void A_top_level_allowlist_applies_to_every_rule()
    {
        var result = RuleLoader.Load([new RuleSource("g.yaml", "allowlist:\n  stopwords: [dummy]\n"), new RuleSource("r.yaml", Valid)], true);
        Assert.True(result.RuleSet!.GlobalAllowlist.Allows("acme_dummy"));
    }
}
