using System.Text.Json;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Verification;

/// <summary>
/// <c>--verify</c> end to end through the CLI: with <c>HF_ENDPOINT</c> at a loopback server that accepts
/// one token and rejects another, the JSON report says <c>valid</c> (with owner and role) and
/// <c>invalid</c>; without <c>--verify</c> the server receives nothing; <c>--only-verified</c> keeps the
/// live one; a repository's configuration cannot turn verification on or send a token elsewhere.
/// </summary>
public sealed class VerifyCommandTests
{
    private const string WhoAmI = """
        {"type":"user","name":"alice","orgs":[{"name":"acme"}],
         "auth":{"type":"access_token","accessToken":{"displayName":"laptop","role":"write"}}}
        """;

    private static readonly string Good = TestSecrets.HuggingFace(1201);
    private static readonly string Bad = TestSecrets.HuggingFace(1202);

    private static LoopbackHttpServer Server() => new(r => r.Header("Authorization") == "Bearer " + Good
        ? ServerAnswer.Json(200, WhoAmI)
        : ServerAnswer.Json(401, """{"error":"Invalid credentials"}"""));

    private static TempDir Tree()
    {
        var dir = new TempDir();
        dir.Write("a.py", $"GOOD = \"{Good}\"\nBAD = \"{Bad}\"\n");
        return dir;
    }

    private static Dictionary<string, string> Vars(LoopbackHttpServer server, TempDir home) => new()
    {
        ["HF_ENDPOINT"] = server.BaseUrl,
        ["HOME"] = home.Path,
    };

    [Fact]
    public async Task Verify_marks_the_accepted_token_valid_with_owner_and_role_and_the_other_invalid()
    {
        await using var server = Server();
        using var dir = Tree();
        using var home = new TempDir();
        var r = CliHarness.Run(dir.Path, ["scan", "--verify", "--format", "json"], variables: Vars(server, home));
        Assert.Equal(1, r.ExitCode);
        var findings = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["valid", "invalid"], findings.Select(f => f.GetProperty("verification").GetString()));
        var detail = findings[0].GetProperty("verificationDetail");
        Assert.Equal("alice", detail.GetProperty("owner").GetString());
        Assert.Equal("write", detail.GetProperty("role").GetString());
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, q => Assert.DoesNotContain("hf_", q.Target, StringComparison.Ordinal));
        Assert.DoesNotContain(Good, r.Stdout + r.Stderr, StringComparison.Ordinal);

        var text = CliHarness.Run(dir.Path, ["scan", "--verify"], variables: Vars(server, home));
        Assert.Contains("alice", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_verify_the_server_receives_nothing()
    {
        await using var server = Server();
        using var dir = Tree();
        using var home = new TempDir();
        foreach (var format in new[] { "text", "json", "sarif" })
        {
            Assert.Equal(1, CliHarness.Run(dir.Path, ["scan", "-f", format], variables: Vars(server, home)).ExitCode);
        }
        // A repository configuration has no say: it cannot switch verification on.
        dir.Write(".secrethook.yaml", "verify: true\n");
        Assert.Equal(2, CliHarness.Run(dir.Path, ["scan"], variables: Vars(server, home)).ExitCode);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Only_verified_reports_the_live_token_and_the_user_config_can_turn_verification_on()
    {
        await using var server = Server();
        using var dir = Tree();
        using var home = new TempDir();
        var r = CliHarness.Run(dir.Path, ["scan", "--only-verified", "-f", "json"], variables: Vars(server, home));
        Assert.Equal(1, r.ExitCode);
        var only = Assert.Single(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("valid", only.GetProperty("verification").GetString());

        home.Write(".config/secrethook/config.yaml", "verify: true\n");
        var byConfig = CliHarness.Run(dir.Path, ["scan", "-f", "json"], variables: Vars(server, home));
        Assert.Contains("\"verification\": \"valid\"", byConfig.Stdout, StringComparison.Ordinal);
    }
}
