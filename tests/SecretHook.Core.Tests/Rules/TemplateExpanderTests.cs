using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Rules;

public sealed class TemplateExpanderTests
{
    [Theory]
    [InlineData("hf_${alpha:34}", "^hf_[A-Za-z]{34}$")]
    [InlineData("${hex:8}-${HEX:4}", "^[0-9a-f]{8}-[0-9A-F]{4}$")]
    [InlineData("${b32:16}${digit:2}", "^[A-Z2-7]{16}[0-9]{2}$")]
    [InlineData("${lit:gh}p_${alnum:36}", "^ghp_[A-Za-z0-9]{36}$")]
    [InlineData("${base64url:5}${base64:5}${word:3}${bech32:4}${upper:1}${lower:1}", "^[A-Za-z0-9_-]{5}[A-Za-z0-9+/]{5}\\w{3}[02-9AC-HJ-NP-Z]{4}[A-Z][a-z]$")]
    [InlineData("no placeholders", "^no placeholders$")]
    public void Expands_placeholders(string template, string shape)
    {
        string text = TemplateExpander.Expand(template, new Random(1));
        Assert.Matches(shape, text);
    }

    [Fact]
    public void Same_seed_same_text_and_different_seed_different_text()
    {
        Assert.Equal(TemplateExpander.Expand("${alnum:40}", new Random(5)), TemplateExpander.Expand("${alnum:40}", new Random(5)));
        Assert.NotEqual(TemplateExpander.Expand("${alnum:40}", new Random(5)), TemplateExpander.Expand("${alnum:40}", new Random(6)));
    }

    [Theory]
    [InlineData("${alpha}", "needs a count")]
    [InlineData("${alpha:0}", "needs a count")]
    [InlineData("${nope:3}", "unknown placeholder")]
    [InlineData("hf_${alpha:34", "unterminated")]
    public void Reports_malformed_templates(string template, string problem)
    {
        Assert.Contains(problem, TemplateExpander.Validate(template));
    }
}
