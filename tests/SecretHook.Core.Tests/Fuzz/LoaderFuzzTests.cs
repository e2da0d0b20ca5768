using System.Text;
using CsCheck;
using SecretHook.Core.Configuration;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Fuzz;

/// <summary>
/// The rule loader and the config loader on random and mutated YAML: they never throw, and a result
/// without a rule set or config always carries at least one error (with a position).
/// </summary>
public sealed class LoaderFuzzTests
{
    private const string ValidRules = """
        provider: Acme
        rules:
          - id: acme-key
            description: Acme key
            keywords: [acme_]
            regex: '(?<secret>acme_[a-z0-9]{20})'
            entropy: 3
            allowlist:
              stopwords: [example]
              regexes: ['^acme_test']
            remediation: Rotate it.
            examples:
              positive: ['k = acme_${lower:20}']
              negative: ['acme_example']
          - id: acme-secret
            description: Acme secret
            keywords: [acmesecret]
            regex: 'acmesecret\s*=\s*(?<secret>[A-Za-z0-9/+]{32})'
            remediation: Rotate it too.
        """;

    private const string ValidConfig = """
        rules:
          - id: acme-api-key
            description: Acme API key
            keywords: [acme_]
            regex: '(?<secret>acme_[A-Za-z0-9]{32})'
            entropy: 3.5
            remediation: Revoke the key.
        disable: [generic-api-key]
        extend: true
        max-file-size: 5M
        allowlist:
          paths: ['**/fixtures/**']
          regexes: ['^EXAMPLE']
          stopwords: [dummy]
        """;

    /// <summary>YAML-ish fragments: keys both loaders know, structure, and the characters YAML treats specially.</summary>
    private static readonly string[] Tokens =
    [
        "provider", "rules", "id", "description", "keywords", "regex", "entropy", "allowlist", "stopwords",
        "regexes", "paths", "remediation", "examples", "positive", "negative", "disable", "extend",
        "max-file-size", ": ", ":", "- ", "-", "\n", "\n  ", "\n    ", "\t", " ", "[", "]", "{", "}", ",", "'", "\"",
        "&a ", "*a", "!!str ", "!!binary ", "!<tag:x> ", "? ", "|", ">-", "#", "%YAML 1.2\n", "---\n", "...\n",
        "(?<secret>", ")", "[a-z]{20}", "(a+)+", "\\", "${lower:20}", "${", "}", "1e309", "-1", "0x10", "10G",
        "99999999999999999999", "true", "null", "~", "\u00e9", "\ud83d\ude00", "\0", "\r\n", "\ufeff", "<<: *a",
    ];

    private static readonly Gen<string> RandomYaml = Gen.Frequency(
        (4, Gen.Int[0, Tokens.Length - 1].Array[0, 60].Select(ix => string.Concat(ix.Select(i => Tokens[i])))),
        (1, Gen.String));

    /// <summary>A valid document with random edits: bytes replaced, inserted or deleted, lines duplicated or dropped, a cut.</summary>
    private static Gen<string> Mutated(string valid) =>
        Gen.Select(Gen.Int[1, 6], Gen.Int[0, int.MaxValue].Array[12], Gen.Int[0, Tokens.Length - 1].Array[6]).Select((count, r, tokens) =>
        {
            var text = new StringBuilder(valid);
            for (int m = 0; m < count; m++)
            {
                int at = text.Length == 0 ? 0 : r[m * 2] % text.Length;
                switch (r[m * 2 + 1] % 6)
                {
                    case 0:
                        if (text.Length > 0)
                        {
                            text[at] = (char)(r[m * 2 + 1] % 128);
                        }
                        break;
                    case 1:
                        text.Insert(at, Tokens[tokens[m]]);
                        break;
                    case 2:
                        text.Remove(at, Math.Min(text.Length - at, 1 + r[m * 2 + 1] % 8));
                        break;
                    case 3:
                        var lines = text.ToString().Split('\n').ToList();
                        int line = at % Math.Max(1, lines.Count);
                        lines.Insert(line, lines[line]);
                        text = new StringBuilder(string.Join('\n', lines));
                        break;
                    case 4:
                        var all = text.ToString().Split('\n').ToList();
                        all.RemoveAt(at % all.Count);
                        text = new StringBuilder(string.Join('\n', all));
                        break;
                    default:
                        text.Length = at;
                        break;
                }
            }
            return text.ToString();
        });

    private static void RuleLoaderNeverThrows(string yaml)
    {
        var result = RuleLoader.Load([new RuleSource("fuzz.yaml", yaml)], compileRegexes: true);
        Assert.True(result.Success || result.Errors.Count > 0, "no rule set and no error");
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrEmpty(e.Message)));
    }

    private static void ConfigLoaderNeverThrows(string yaml)
    {
        var result = ConfigLoader.Load(ConfigLoader.FileName, yaml);
        Assert.True(result.Success || result.Errors.Count > 0, "no config and no error");
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrEmpty(e.Message)));
    }

    [Fact]
    public void Valid_documents_load()
    {
        var rules = RuleLoader.Load([new RuleSource("fuzz.yaml", ValidRules)], compileRegexes: true);
        Assert.True(rules.Success, string.Join("\n", rules.Errors));
        var config = ConfigLoader.Load(ConfigLoader.FileName, ValidConfig);
        Assert.True(config.Success, string.Join("\n", config.Errors));
    }

    [Theory]
    [InlineData("- : ")]
    [InlineData("<<: *a<<: *a")]
    [InlineData("rules:\n  - id: x\n    <<: *a\n")]
    public void Documents_the_fuzzer_found_are_errors_not_exceptions(string yaml)
    {
        RuleLoaderNeverThrows(yaml);
        ConfigLoaderNeverThrows(yaml);
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("- ", "")]
    public void Deep_nesting_is_an_error_or_a_result_not_a_crash(string open, string close)
    {
        string yaml = string.Concat(Enumerable.Repeat(open, 1000)) + "x" + string.Concat(Enumerable.Repeat(close, 1000));
        RuleLoaderNeverThrows(yaml);
        ConfigLoaderNeverThrows(yaml);
    }

    [Fact]
    public void Rule_loader_never_throws_on_random_yaml() =>
        FuzzBudget.Check(RandomYaml, RuleLoaderNeverThrows, iterations: 400);

    [Fact]
    public void Rule_loader_never_throws_on_mutated_rules() =>
        FuzzBudget.Check(Mutated(ValidRules), RuleLoaderNeverThrows, iterations: 400);

    [Fact]
    public void Config_loader_never_throws_on_random_yaml() =>
        FuzzBudget.Check(RandomYaml, ConfigLoaderNeverThrows, iterations: 400);

    [Fact]
    public void Config_loader_never_throws_on_mutated_configs()
    {
        FuzzBudget.Check(Mutated(ValidConfig), ConfigLoaderNeverThrows, iterations: 400);
        FuzzBudget.Check(Mutated(ConfigLoader.StarterConfig), ConfigLoaderNeverThrows, iterations: 200);
    }
}
