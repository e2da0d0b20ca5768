using SecretHook.Core.Rules;
using SecretHook.Pack;

namespace SecretHook.Cli.Tests.Scan;

/// <summary>The binary pack embedded in the executable carries exactly the rules of patterns/*.yaml.</summary>
public sealed class CompiledRulePackTests
{
    [Fact]
    public void Compiled_pack_equals_the_yaml_pack_field_by_field()
    {
        var yaml = BuiltInRules.Load();
        var compiled = CompiledRulePack.Load();
        Assert.Equal(yaml.Rules.Select(r => r.Id), compiled.Rules.Select(r => r.Id));
        foreach (var (a, b) in yaml.Rules.Zip(compiled.Rules))
        {
            Assert.Equal(
                (a.Provider, a.Description, string.Join("\n", a.Keywords), a.Pattern, a.Entropy, a.Multiline, a.Fallback, a.Priority, a.Structure, a.Remediation, a.Location),
                (b.Provider, b.Description, string.Join("\n", b.Keywords), b.Pattern, b.Entropy, b.Multiline, b.Fallback, b.Priority, b.Structure, b.Remediation, b.Location));
            Assert.Equal(a.Allowlist.RegexSources, b.Allowlist.RegexSources);
            Assert.Equal(a.Allowlist.Stopwords, b.Allowlist.Stopwords);
        }
        Assert.Equal(yaml.GlobalAllowlist.RegexSources, compiled.GlobalAllowlist.RegexSources);
        Assert.Equal(yaml.GlobalAllowlist.Stopwords, compiled.GlobalAllowlist.Stopwords);
    }

    [Fact]
    public void Serializer_rejects_data_that_is_not_a_pack()
    {
        using var stream = new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Throws<InvalidDataException>(() => RulePackSerializer.Read(stream));
    }
}
