using SecretHook.Cli.Tests.Support;
using SecretHook.Cli.Tests.Verification;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// <c>secrethook doctor --verify</c>: a real repository whose remotes carry Hugging Face tokens (made at
/// test time), <c>HF_ENDPOINT</c> at a loopback server that accepts one and rejects the other. The live
/// one is reported with its owner and role, the other as not live; each distinct token is checked once;
/// without <c>--verify</c> the server receives nothing; the token never appears in the output.
/// </summary>
public sealed class DoctorVerifyTests
{
    private const string WhoAmI = """
        {"type":"user","name":"alice","orgs":[{"name":"acme"}],
         "auth":{"type":"access_token","accessToken":{"displayName":"laptop","role":"write"}}}
        """;

    private static readonly string Good = TestSecrets.HuggingFace(1211);
    private static readonly string Bad = TestSecrets.HuggingFace(1212);

    private static LoopbackHttpServer Server() => new(r => r.Header("Authorization") == "Bearer " + Good
        ? ServerAnswer.Json(200, WhoAmI)
        : ServerAnswer.Json(401, """{"error":"Invalid credentials"}"""));

    /// <summary>A repository with the live token in origin's URL and the rejected one in a second remote's.</summary>
    private static GitTestRepo Repo()
    {
        var repo = new GitTestRepo();
        repo.Git("remote", "add", "origin", $"https://alice:{Good}@huggingface.co/alice/model");
        repo.Git("remote", "add", "old", $"https://alice:{Bad}@huggingface.co/alice/old-model");
        return repo;
    }

    private static Dictionary<string, string> Vars(GitTestRepo repo, LoopbackHttpServer server)
    {
        string home = Path.Combine(repo.Scratch, "home");
        Directory.CreateDirectory(home);
        return new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
            ["HF_ENDPOINT"] = server.BaseUrl,
        };
    }

    private static void AssertNoToken(CliResult r)
    {
        Assert.DoesNotContain(Good, r.Stdout + r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Bad, r.Stdout + r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_reports_the_live_token_with_owner_and_role_and_the_other_as_not_live()
    {
        await using var server = Server();
        using var repo = Repo();
        var vars = Vars(repo, server);
        vars["HF_TOKEN"] = Good; // the same token a second time: still one request for it

        var r = repo.SecrethookUnchanged(["doctor", "--verify"], variables: vars);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("3 credential(s) stored in plain text, 2 of them LIVE", r.Stdout, StringComparison.Ordinal);
        string origin = Block(r.Stdout, "remote \"origin\"");
        Assert.Contains("LIVE \u2014 owner alice (user), token \"laptop\", role write: can push to every repository of alice", origin, StringComparison.Ordinal);
        Assert.Contains("organisations acme", origin, StringComparison.Ordinal);
        Assert.Contains("not live (", Block(r.Stdout, "remote \"old\""), StringComparison.Ordinal);
        Assert.Contains("LIVE \u2014 owner alice", Block(r.Stdout, "environment variable HF_TOKEN"), StringComparison.Ordinal);
        AssertNoToken(r);

        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, q => Assert.Equal("/api/whoami-v2", q.Target));
        Assert.All(server.Requests, q => Assert.DoesNotContain("hf_", q.Raw.Replace(q.Header("Authorization")!, "", StringComparison.Ordinal), StringComparison.Ordinal));
        var sent = server.Requests.Select(q => q.Header("Authorization")).ToHashSet(StringComparer.Ordinal);
        Assert.True(sent.SetEquals(["Bearer " + Good, "Bearer " + Bad]), "each token once, as a bearer token"); // no token in a failure message
    }

    [Fact]
    public async Task Without_verify_the_server_receives_nothing()
    {
        await using var server = Server();
        using var repo = Repo();

        var r = repo.SecrethookUnchanged(["doctor"], variables: Vars(repo, server));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("2 credential(s) stored in plain text:", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("LIVE", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("not live", r.Stdout, StringComparison.Ordinal);
        AssertNoToken(r);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Only_verified_lists_the_live_token_and_the_user_config_turns_verification_on()
    {
        await using var server = Server();
        using var repo = Repo();
        var vars = Vars(repo, server);

        var only = repo.SecrethookUnchanged(["doctor", "--only-verified"], variables: vars);
        Assert.Equal(1, only.ExitCode);
        Assert.Contains("1 credential(s) stored in plain text, 1 of them LIVE", only.Stdout, StringComparison.Ordinal);
        Assert.Contains("remote \"origin\"", only.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("remote \"old\"", only.Stdout, StringComparison.Ordinal);
        AssertNoToken(only);

        string config = Path.Combine(vars["HOME"], ".config", "secrethook");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "config.yaml"), "verify: true\n");
        var byConfig = repo.SecrethookUnchanged(["doctor"], variables: vars);
        Assert.Equal(1, byConfig.ExitCode);
        Assert.Contains("LIVE \u2014 owner alice", Block(byConfig.Stdout, "remote \"origin\""), StringComparison.Ordinal);
        AssertNoToken(byConfig);

        // Only the rejected token left: nothing live, so nothing to report.
        repo.Git("remote", "remove", "origin");
        var none = repo.SecrethookUnchanged(["doctor", "--only-verified"], variables: vars);
        Assert.Equal(0, none.ExitCode);
        Assert.Contains("no live tokens", none.Stdout, StringComparison.Ordinal);
        AssertNoToken(none);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_gives_an_error_with_the_reason()
    {
        await using var server = new LoopbackHttpServer(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            return ServerAnswer.Json(200, WhoAmI);
        });
        using var repo = new GitTestRepo();
        repo.Git("remote", "add", "origin", $"https://alice:{Good}@huggingface.co/alice/model");

        var r = repo.SecrethookUnchanged(["doctor", "--verify", "--verify-timeout", "300ms"], variables: Vars(repo, server));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("none verified live", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("unverified: no answer from 127.0.0.1 within 300 ms", Block(r.Stdout, "remote \"origin\""), StringComparison.Ordinal);
        AssertNoToken(r);
    }

    /// <summary>The lines of the credential whose first line starts with <paramref name="where"/>, up to the next one.</summary>
    private static string Block(string stdout, string where)
    {
        int start = stdout.IndexOf("\n  " + where, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no credential '{where}' in:\n{stdout}");
        int end = stdout.IndexOf("\n  ", start + 3, StringComparison.Ordinal);
        while (end >= 0 && stdout[end + 3] == ' ')
        {
            end = stdout.IndexOf("\n  ", end + 3, StringComparison.Ordinal);
        }
        return end < 0 ? stdout[start..] : stdout[start..end];
    }
}
