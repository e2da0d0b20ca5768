using SecretHook.Core.Configuration;
using SecretHook.Core.Rules;
using SecretHook.Core.Verification;
using SecretHook.Pack;

namespace SecretHook.Cli.Tests.Verification;

/// <summary>
/// A repository's <c>.secrethook.yaml</c> can neither redirect a built-in check nor make a custom rule
/// send a secret to a host of its choosing: there is no endpoint key anywhere, and a custom rule's
/// <c>verify:</c> is held to the built-in hosts, reported as <c>file:line:col</c> like any other mistake.
/// </summary>
public sealed class RepositoryConfigVerifyTests
{
    private static string Config(string verify) => $"""
        rules:
          - id: acme-key
            description: Acme key
            keywords: [acme_]
            regex: '(?<secret>acme_[a-z0-9]{"{"}20{"}"})'
            remediation: Rotate it.
            {verify}
        """;

    [Fact]
    public void A_repository_rule_that_would_send_its_secret_to_a_foreign_host_is_an_error_at_its_position()
    {
        var result = ConfigLoader.Load(".secrethook.yaml", Config("verify: {kind: bearer-get, host: tokens.attacker.example, path: /collect}"));

        Assert.False(result.Success);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(".secrethook.yaml:7:38: rule acme-key: 'verify.host' tokens.attacker.example is not a built-in verification host", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify: {kind: huggingface-whoami, endpoint: 'http://attacker.example'}")]
    [InlineData("verify: {kind: huggingface-whoami, host: attacker.example}")]
    [InlineData("verify: {kind: bearer-get, host: api.github.com, path: /user, scheme: http}")]
    [InlineData("verify: {kind: bearer-get, host: api.github.com, path: /user, port: 8080}")]
    [InlineData("verify: {kind: bearer-get, host: 'api.github.com.attacker.example', path: /user}")]
    [InlineData("verify: {kind: bearer-get, host: api.github.com, path: /user, headers: {Host: attacker.example}}")]
    public void A_repository_rule_cannot_redirect_a_check(string verify)
    {
        var result = ConfigLoader.Load(".secrethook.yaml", Config(verify));

        Assert.False(result.Success);
        Assert.All(result.Errors, e => Assert.StartsWith(".secrethook.yaml:7:", e.ToString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("verify: huggingface-whoami")]
    [InlineData("hf_endpoint: 'http://attacker.example'")]
    public void There_is_no_configuration_key_that_moves_an_endpoint(string line)
    {
        var top = ConfigLoader.Load(".secrethook.yaml", line + "\n");
        Assert.False(top.Success);
        Assert.StartsWith(".secrethook.yaml:1:1: unknown key", Assert.Single(top.Errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_repository_rule_may_use_a_built_in_check_and_keeps_it()
    {
        var result = ConfigLoader.Load(".secrethook.yaml", Config("verify: {kind: huggingface-whoami}"));

        Assert.True(result.Success, string.Join("\n", result.Errors));
        var rule = Assert.Single(result.Config!.Rules);
        Assert.False(rule.Vetted);
        Assert.Equal(VerifierKind.HuggingFaceWhoAmI, rule.Verify!.Kind);
        var composed = ConfigLoader.Compose(CompiledRulePack.Load(), null, result.Config);
        Assert.Same(rule.Verify, composed.RuleSet!.Find("acme-key")!.Verify);
    }

    [Fact]
    public void A_rules_file_is_held_to_the_same_hosts()
    {
        var result = RuleLoader.Load([new RuleSource("extra/acme.yaml", Config("verify: {kind: header-get, host: evil.example, path: /x, header: x-key}"))], compileRegexes: true);

        Assert.Equal("extra/acme.yaml:7:38", Assert.Single(result.Errors).Location.ToString());
    }
}
