using System.Text;
using System.Text.Json;
using SecretHook.Core.Verification;

namespace SecretHook.Cli.Tests.Verification;

/// <summary>The user-level verification settings, timeouts, and the pure parts of the result type.</summary>
public sealed class UserVerificationConfigTests
{
    [Fact]
    public void Reads_the_three_settings()
    {
        var (settings, errors) = UserVerificationConfig.Load("config.yaml", """
            verify: true
            verify-timeout: 2.5s
            verify-allow-hosts: [api.internal.example, tokens.corp.example]
            """);

        Assert.Empty(errors);
        Assert.Equal(true, settings!.Verify);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), settings.Timeout);
        Assert.Equal(["api.internal.example", "tokens.corp.example"], settings.AllowHosts);
        Assert.True(settings.HostPolicy.Permits("api.internal.example"));
        Assert.True(settings.HostPolicy.Permits("api.github.com"));
        Assert.False(settings.HostPolicy.Permits("evil.example"));
    }

    [Fact]
    public void Reports_every_problem_with_its_position()
    {
        var (settings, errors) = UserVerificationConfig.Load("config.yaml", """
            verify: yes please
            verify-timeout: forever
            verify-allow-hosts: ['https://x.example', ok.example, '10.0.0.1']
            endpoint: http://127.0.0.1
            """);

        Assert.Null(settings);
        Assert.Equal(
        [
            "config.yaml:1:9: 'verify' must be true or false",
            "config.yaml:2:17: 'verify-timeout' must be a duration from 1 ms to 5 min: seconds (5, 2.5) or with ms, s or m (500ms, 5s, 1m)",
            "config.yaml:3:22: 'verify-allow-hosts' entries must be lower-case DNS host names (no scheme, port or path)",
            "config.yaml:3:55: 'verify-allow-hosts' entries must be lower-case DNS host names (no scheme, port or path)",
            "config.yaml:4:1: unknown key 'endpoint' (expected one of: verify, verify-timeout, verify-allow-hosts)",
        ], errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("5", 5000)]
    [InlineData("5s", 5000)]
    [InlineData("0.5", 500)]
    [InlineData("250ms", 250)]
    [InlineData("1m", 60000)]
    [InlineData(" 2S ", 2000)]
    public void Parses_timeouts(string text, int milliseconds)
    {
        Assert.True(UserVerificationConfig.TryParseTimeout(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("6m")]
    [InlineData("5h")]
    [InlineData("five")]
    public void Rejects_bad_timeouts(string text) => Assert.False(UserVerificationConfig.TryParseTimeout(text, out _));

    [Fact]
    public void Writes_the_json_properties_reporters_add()
    {
        var result = VerificationResult.Valid(new VerificationDetail
        {
            Owner = "alice",
            OwnerType = "user",
            TokenName = "laptop",
            Role = "write",
            RoleDescription = "write: can push",
            Organizations = ["acme"],
            HttpStatus = 200,
        });
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            result.WriteJsonProperties(w);
            w.WriteEndObject();
        }

        Assert.Equal("""{"verification":"valid","verificationDetail":{"owner":"alice","ownerType":"user","tokenName":"laptop","role":"write","roleDescription":"write: can push","organizations":["acme"],"httpStatus":200}}""",
            Encoding.UTF8.GetString(buffer.ToArray()));
        Assert.Equal("LIVE \u2014 owner alice (user), token \"laptop\", role write: can push, organisations acme", result.Summary());
        Assert.Equal("not live (x rejected the token (HTTP 401))", VerificationResult.Invalid(401, "x rejected the token (HTTP 401)").Summary());
        Assert.Equal("unverified: timed out", VerificationResult.Error("timed out").Summary());
    }

    [Fact]
    public void Strings_from_an_answer_lose_control_characters_so_they_cannot_forge_report_lines()
    {
        var body = Encoding.UTF8.GetBytes("""{"name":"alice\n12:13 fake-rule   forged","auth":{"accessToken":{"role":"read"}}}""");

        var result = ProviderResponses.HuggingFaceWhoAmI(200, body);

        Assert.Equal("alice12:13 fake-rule   forged", result.Detail.Owner);
        Assert.Equal("read: can read every repository of alice12:13 fake-rule   forged and their organisations, private ones included", result.Detail.RoleDescription);
    }

    [Theory]
    [InlineData("read", "user", "read: can read every repository of alice and their organisations, private ones included")]
    [InlineData("write", "user", "write: can push to every repository of alice and their organisations, and read their private ones")]
    [InlineData("write", "org", "write: can push to every repository of the organisation alice, and read their private ones")]
    [InlineData("fineGrained", "user", "fineGrained: no permissions granted")]
    [InlineData("admin", "user", "admin")]
    public void Describes_Hugging_Face_roles(string role, string type, string expected) =>
        Assert.Equal(expected, ProviderResponses.DescribeHuggingFaceRole(role, "alice", type, []));
}
