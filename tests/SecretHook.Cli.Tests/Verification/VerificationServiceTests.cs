using System.Diagnostics;
using SecretHook.Cli.Verification;
using SecretHook.Core.Rules;
using SecretHook.Core.Verification;
using SecretHook.Pack;

namespace SecretHook.Cli.Tests.Verification;

/// <summary>
/// The verification engine against a real HTTP server on 127.0.0.1: verdicts, where the token travels,
/// timeouts and budget, deduplication, and that nothing lets a secret go where the user did not say.
/// </summary>
public sealed class VerificationServiceTests
{
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly RuleSet Pack = CompiledRulePack.Load();

    private const string WhoAmIAlice = """
        {"type":"user","id":"64b0","name":"alice","fullname":"Alice A.","email":"alice@example.org",
         "orgs":[{"name":"acme-research","fullname":"Acme Research","roleInOrg":"admin"},{"name":"open-models","roleInOrg":"read"}],
         "auth":{"type":"access_token","accessToken":{"displayName":"laptop","role":"write","createdAt":"2026-01-01T00:00:00Z"}}}
        """;

    /// <summary>A token of the given shape, drawn at test time with a fixed seed (the repository holds none).</summary>
    private static string Token(string prefix, int length, int seed)
    {
        var random = new Random(seed);
        return prefix + new string([.. Enumerable.Range(0, length).Select(_ => Letters[random.Next(Letters.Length)])]);
    }

    private static string HfToken(int seed) => Token("hf" + "_", 34, seed);

    private static Func<string, string?> Env(params (string Name, string Value)[] vars)
    {
        var map = vars.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.GetValueOrDefault(name);
    }

    private static VerificationService Service(Func<string, string?> env, TimeSpan? timeout = null, TimeSpan? budget = null, int concurrency = 4) =>
        new(new VerificationOptions
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
            TotalBudget = budget ?? TimeSpan.FromSeconds(30),
            MaxConcurrency = concurrency,
        }, env);

    /// <summary>Asserts the token appears in the raw request exactly once, in the given header line, and not in the target or body.</summary>
    private static void AssertOnlyInHeader(RecordedRequest request, string token, string headerLine)
    {
        Assert.DoesNotContain(token, request.Target, StringComparison.Ordinal);
        Assert.DoesNotContain(token, request.Body, StringComparison.Ordinal);
        int first = request.Raw.IndexOf(token, StringComparison.Ordinal);
        Assert.True(first >= 0, "the token was not sent at all");
        Assert.Equal(-1, request.Raw.IndexOf(token, first + 1, StringComparison.Ordinal));
        var line = request.Raw.Split("\r\n").Single(l => l.Contains(token, StringComparison.Ordinal));
        Assert.Equal(headerLine, line);
    }

    [Fact]
    public async Task HF_ENDPOINT_server_accepting_one_token_and_rejecting_another_gives_valid_with_owner_and_role_and_invalid()
    {
        string good = HfToken(1), bad = HfToken(2);
        await using var server = new LoopbackHttpServer(r => r.Header("Authorization") == "Bearer " + good
            ? ServerAnswer.Json(200, WhoAmIAlice)
            : ServerAnswer.Json(401, """{"error":"Invalid credentials in Authorization header"}"""));
        using var service = Service(Env(("HF_ENDPOINT", server.BaseUrl)));

        var results = await service.VerifyAsync(Pack, [("huggingface-user-token", good), ("huggingface-user-token", bad)]);

        var valid = results.Get("huggingface-user-token", good)!;
        Assert.Equal(VerificationStatus.Valid, valid.Status);
        Assert.Equal("alice", valid.Detail.Owner);
        Assert.Equal("user", valid.Detail.OwnerType);
        Assert.Equal("laptop", valid.Detail.TokenName);
        Assert.Equal("write", valid.Detail.Role);
        Assert.Equal(["acme-research", "open-models"], valid.Detail.Organizations);
        Assert.StartsWith("write: can push to every repository of alice and their organisations", valid.Detail.RoleDescription, StringComparison.Ordinal);
        var invalid = results.Get("huggingface-user-token", bad)!;
        Assert.Equal(VerificationStatus.Invalid, invalid.Status);
        Assert.Equal(401, invalid.Detail.HttpStatus);

        Assert.Equal(2, server.Requests.Count);
        foreach (var (request, token) in server.Requests.Select(r => (r, r.Raw.Contains(good, StringComparison.Ordinal) ? good : bad)))
        {
            Assert.Equal("GET", request.Method);
            Assert.Equal("/api/whoami-v2", request.Target);
            AssertOnlyInHeader(request, token, "Authorization: Bearer " + token);
        }
    }

    [Fact]
    public async Task HF_ENDPOINT_with_a_path_prefix_is_honoured_like_huggingface_hub()
    {
        string token = HfToken(3);
        await using var server = new LoopbackHttpServer(_ => ServerAnswer.Json(200, WhoAmIAlice));
        using var service = Service(Env(("HF_ENDPOINT", server.BaseUrl + "/mirror/")));

        var results = await service.VerifyAsync(Pack, [("huggingface-user-token", token)]);

        Assert.Equal(VerificationStatus.Valid, results.Get("huggingface-user-token", token)!.Status);
        Assert.Equal("/mirror/api/whoami-v2", Assert.Single(server.Requests).Target);
    }

    [Fact]
    public async Task A_fine_grained_token_lists_its_permissions_and_says_whether_any_writes()
    {
        string token = HfToken(4);
        const string body = """
            {"type":"user","name":"bob","orgs":[],"auth":{"type":"access_token","accessToken":{"displayName":"ci","role":"fineGrained",
             "fineGrained":{"global":["discussion.write"],"scoped":[{"entity":{"type":"model","name":"bob/tiny"},"permissions":["repo.content.read","repo.write"]}]}}}}
            """;
        await using var server = new LoopbackHttpServer(_ => ServerAnswer.Json(200, body));
        using var service = Service(Env(("HF_ENDPOINT", server.BaseUrl)));

        var result = (await service.VerifyAsync(Pack, [("huggingface-user-token", token)])).Get("huggingface-user-token", token)!;

        Assert.Equal(VerificationStatus.Valid, result.Status);
        Assert.Equal("fineGrained", result.Detail.Role);
        Assert.Equal(["discussion.write", "repo.content.read on model bob/tiny", "repo.write on model bob/tiny"], result.Detail.Scopes);
        Assert.Equal("fineGrained: limited to 3 listed permission(s), some of them write access", result.Detail.RoleDescription);
    }

    [Fact]
    public async Task One_request_per_distinct_secret_however_many_findings_and_rules_share_it()
    {
        string a = HfToken(5), b = HfToken(6);
        await using var server = new LoopbackHttpServer(_ => ServerAnswer.Json(200, WhoAmIAlice));
        using var service = Service(Env(("HF_ENDPOINT", server.BaseUrl)));
        // The user and org token rules have the same check, so a secret both report is sent once;
        // generic-secret-assignment has no check and gets no result.
        var findings = Enumerable.Repeat(("huggingface-user-token", a), 5)
            .Append(("huggingface-org-token", a))
            .Concat(Enumerable.Repeat(("huggingface-user-token", b), 3))
            .Append(("generic-secret-assignment", b));

        var results = await service.VerifyAsync(Pack, findings);

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(2, service.RequestsSent);
        Assert.Equal(VerificationStatus.Valid, results.Get("huggingface-org-token", a)!.Status);
        Assert.Equal(VerificationStatus.Valid, results.Get("huggingface-user-token", b)!.Status);
        Assert.Null(results.Get("generic-secret-assignment", b));
        Assert.Equal(3, results.Count);
    }

    [Fact]
    public async Task A_server_error_is_an_error_with_the_status_not_invalid()
    {
        string token = HfToken(7);
        await using var server = new LoopbackHttpServer(_ => new ServerAnswer(500, "oops"));
        using var service = Service(Env(("HF_ENDPOINT", server.BaseUrl)));

        // The synchronous entry point the command handlers use.
        var result = service.Verify(Pack, [("huggingface-user-token", token)]).Get("huggingface-user-token", token)!;

        Assert.Equal(VerificationStatus.Error, result.Status);
        Assert.Equal(500, result.Detail.HttpStatus);
        Assert.Equal("provider error (HTTP 500)", result.Detail.Reason);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_slow_server_costs_at_most_the_timeout()
    {
        string token = HfToken(8);
        await using var server = new LoopbackHttpServer(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return ServerAnswer.Json(200, WhoAmIAlice);
        });
        using var service = Service(Env(("HF_ENDPOINT", server.BaseUrl)), timeout: TimeSpan.FromMilliseconds(400));

        var clock = Stopwatch.StartNew();
        var result = (await service.VerifyAsync(Pack, [("huggingface-user-token", token)])).Get("huggingface-user-token", token)!;
        clock.Stop();

        Assert.Equal(VerificationStatus.Error, result.Status);
        Assert.Equal("no answer from 127.0.0.1 within 400 ms", result.Detail.Reason);
        // The server would take 30 s: well under that shows the timeout ended the wait. The upper bound
        // leaves room for a loaded 2-core CI machine running tests in parallel (2.0 s was seen once).
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_total_budget_bounds_a_run_of_many_slow_checks()
    {
        var tokens = Enumerable.Range(20, 6).Select(HfToken).ToList();
        await using var server = new LoopbackHttpServer(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return ServerAnswer.Json(200, WhoAmIAlice);
        });
        // Six checks, one at a time, 1 s each would take 6 s; the budget stops the run at 0.8 s.
        using var service = Service(Env(("HF_ENDPOINT", server.BaseUrl)), timeout: TimeSpan.FromSeconds(1),
            budget: TimeSpan.FromMilliseconds(800), concurrency: 1);

        var clock = Stopwatch.StartNew();
        var results = await service.VerifyAsync(Pack, tokens.Select(t => ("huggingface-user-token", t)));
        clock.Stop();

        // Under 5 s tells the budget from six timeouts; the margin is for a loaded 2-core CI machine.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(5));
        Assert.All(tokens, t => Assert.Equal(VerificationStatus.Error, results.Get("huggingface-user-token", t)!.Status));
        Assert.Equal(1, service.RequestsSent);
        Assert.Equal(5, tokens.Count(t => results.Get("huggingface-user-token", t)!.Detail.Reason!.Contains("before this secret was checked", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("not json at all", "malformed answer: not JSON")]
    [InlineData("""{"type":"user"}""", "malformed answer: no 'name'")]
    [InlineData("""["alice"]""", "malformed answer: no 'name'")]
    public async Task A_malformed_200_answer_is_an_error(string body, string reason)
    {
        string token = HfToken(9);
        await using var server = new LoopbackHttpServer(_ => ServerAnswer.Json(200, body));
        using var service = Service(Env(("HF_ENDPOINT", server.BaseUrl)));

        var result = (await service.VerifyAsync(Pack, [("huggingface-user-token", token)])).Get("huggingface-user-token", token)!;

        Assert.Equal(VerificationStatus.Error, result.Status);
        Assert.Equal(reason, result.Detail.Reason);
    }

    [Fact]
    public async Task An_answer_that_is_not_HTTP_is_an_error()
    {
        string token = HfToken(10);
        await using var server = new LoopbackHttpServer(_ => new ServerAnswer(0, Raw: "SSH-2.0-OpenSSH_9.6\r\n"u8.ToArray()));
        using var service = Service(Env(("HF_ENDPOINT", server.BaseUrl)));

        var result = (await service.VerifyAsync(Pack, [("huggingface-user-token", token)])).Get("huggingface-user-token", token)!;

        Assert.Equal(VerificationStatus.Error, result.Status);
        Assert.StartsWith("malformed answer from 127.0.0.1:", result.Detail.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_is_an_error_whose_reason_never_holds_the_token()
    {
        string token = HfToken(11);
        string url;
        await using (var closed = new LoopbackHttpServer(_ => new ServerAnswer(200)))
        {
            url = closed.BaseUrl;
        }
        using var service = Service(Env(("HF_ENDPOINT", url)));

        var result = (await service.VerifyAsync(Pack, [("huggingface-user-token", token)])).Get("huggingface-user-token", token)!;

        Assert.Equal(VerificationStatus.Error, result.Status);
        Assert.StartsWith("connection to 127.0.0.1:", result.Detail.Reason, StringComparison.Ordinal);
        Assert.EndsWith("refused", result.Detail.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(token, result.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_echoes_the_token_is_scrubbed()
    {
        string token = Token("ghp" + "_", 36, 12);
        await using var server = new LoopbackHttpServer(_ => ServerAnswer.Json(200, $$"""{"login":"{{token}}"}"""));
        using var service = Service(Env((VerificationEndpoints.TestVariableFor("api.github.com"), server.BaseUrl)));

        var result = (await service.VerifyAsync(Pack, [("github-pat-classic", token)])).Get("github-pat-classic", token)!;

        Assert.Equal("[secret]", result.Detail.Owner);
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        string token = HfToken(13);
        await using var elsewhere = new LoopbackHttpServer(_ => ServerAnswer.Json(200, WhoAmIAlice));
        await using var server = new LoopbackHttpServer(_ => new ServerAnswer(302, Headers: [new("Location", elsewhere.BaseUrl + "/api/whoami-v2")]));
        using var service = Service(Env(("HF_ENDPOINT", server.BaseUrl)));

        var result = (await service.VerifyAsync(Pack, [("huggingface-user-token", token)])).Get("huggingface-user-token", token)!;

        Assert.Equal(VerificationStatus.Error, result.Status);
        Assert.Equal(302, result.Detail.HttpStatus);
        Assert.Empty(elsewhere.Requests);
    }

    [Theory]
    [InlineData("http://example.com:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://10.0.0.1:8080")]
    [InlineData("not a url")]
    public async Task The_test_endpoint_override_is_honoured_only_for_a_loopback_address(string value)
    {
        string token = Token("ghp" + "_", 36, 14);
        using var service = Service(Env((VerificationEndpoints.TestVariableFor("api.github.com"), value)));

        var result = (await service.VerifyAsync(Pack, [("github-pat-classic", token)])).Get("github-pat-classic", token)!;

        Assert.Equal(VerificationStatus.Error, result.Status);
        Assert.Equal("SECRETHOOK_VERIFY_TEST_ENDPOINT_API_GITHUB_COM is honoured only for a loopback address such as http://127.0.0.1:PORT; not checked", result.Detail.Reason);
        Assert.Equal(0, service.RequestsSent);
    }

    [Fact]
    public async Task A_custom_rule_the_loader_was_told_to_allow_is_still_refused_by_a_service_that_does_not_allow_its_host()
    {
        string token = Token("acme" + "_", 30, 15);
        await using var server = new LoopbackHttpServer(_ => ServerAnswer.Json(200, "{}"));
        var loaded = RuleLoader.Load([new RuleSource("mine.yaml", """
            rules:
              - id: acme-key
                description: Acme key
                keywords: [acme_]
                regex: '(?<secret>acme_[A-Za-z]{30})'
                remediation: Rotate it.
                verify: {kind: bearer-get, host: api.acme.example, path: /whoami}
            """)], compileRegexes: true, verifyHosts: VerificationHostPolicy.AllowingCustomHosts(["api.acme.example"]));
        Assert.True(loaded.Success, string.Join("\n", loaded.Errors));
        var env = Env((VerificationEndpoints.TestVariableFor("api.acme.example"), server.BaseUrl));

        using (var strict = Service(env))
        {
            var refused = (await strict.VerifyAsync(loaded.RuleSet!, [("acme-key", token)])).Get("acme-key", token)!;
            Assert.Equal(VerificationStatus.Error, refused.Status);
            Assert.Contains("is not permitted", refused.Detail.Reason, StringComparison.Ordinal);
            Assert.Empty(server.Requests);
        }

        using var allowing = new VerificationService(new VerificationOptions { Hosts = VerificationHostPolicy.AllowingCustomHosts(["api.acme.example"]) }, env);
        var allowed = (await allowing.VerifyAsync(loaded.RuleSet!, [("acme-key", token)])).Get("acme-key", token)!;
        Assert.Equal(VerificationStatus.Valid, allowed.Status);
        AssertOnlyInHeader(Assert.Single(server.Requests), token, "Authorization: Bearer " + token);
    }

    [Fact]
    public async Task GitHub_reads_the_login_and_the_scopes_header()
    {
        string token = Token("ghp" + "_", 36, 16);
        await using var server = new LoopbackHttpServer(r => r.Header("Authorization") == "Bearer " + token
            ? ServerAnswer.Json(200, """{"login":"octocat","id":1,"type":"User"}""", new KeyValuePair<string, string>("X-OAuth-Scopes", "repo, gist"))
            : ServerAnswer.Json(401, """{"message":"Bad credentials"}"""));
        using var service = Service(Env((VerificationEndpoints.TestVariableFor("api.github.com"), server.BaseUrl)));

        var result = (await service.VerifyAsync(Pack, [("github-pat-classic", token)])).Get("github-pat-classic", token)!;

        Assert.Equal(VerificationStatus.Valid, result.Status);
        Assert.Equal("octocat", result.Detail.Owner);
        Assert.Equal(["gist", "repo"], result.Detail.Scopes);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/user", request.Target);
        Assert.NotNull(request.Header("User-Agent"));
        AssertOnlyInHeader(request, token, "Authorization: Bearer " + token);
    }

    [Fact]
    public async Task Anthropic_sends_the_key_in_x_api_key_with_the_version_header_and_no_authorization()
    {
        string token = Token("sk-ant-api03-", 95, 17);
        await using var server = new LoopbackHttpServer(_ => ServerAnswer.Json(200, """{"data":[],"has_more":false}"""));
        using var service = Service(Env((VerificationEndpoints.TestVariableFor("api.anthropic.com"), server.BaseUrl)));

        var result = (await service.VerifyAsync(Pack, [("anthropic-api-key", token)])).Get("anthropic-api-key", token)!;

        Assert.Equal(VerificationStatus.Valid, result.Status);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/models", request.Target);
        Assert.Equal("2023-06-01", request.Header("anthropic-version"));
        Assert.Null(request.Header("Authorization"));
        AssertOnlyInHeader(request, token, "x-api-key: " + token);
    }

    [Theory]
    [InlineData("""{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"deploybot","team_id":"T1","user_id":"U1","bot_id":"B1"}""", VerificationStatus.Valid)]
    [InlineData("""{"ok":false,"error":"invalid_auth"}""", VerificationStatus.Invalid)]
    [InlineData("""{"ok":false,"error":"ratelimited"}""", VerificationStatus.Error)]
    [InlineData("""{"team":"Acme"}""", VerificationStatus.Error)]
    public async Task Slack_posts_to_auth_test_and_reads_ok(string body, VerificationStatus expected)
    {
        string token = Token("xoxb-", 40, 18);
        await using var server = new LoopbackHttpServer(_ => ServerAnswer.Json(200, body));
        using var service = Service(Env((VerificationEndpoints.TestVariableFor("slack.com"), server.BaseUrl)));

        var result = (await service.VerifyAsync(Pack, [("slack-bot-token", token)])).Get("slack-bot-token", token)!;

        Assert.Equal(expected, result.Status);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/auth.test", request.Target);
        Assert.Equal("", request.Body);
        AssertOnlyInHeader(request, token, "Authorization: Bearer " + token);
        if (expected == VerificationStatus.Valid)
        {
            Assert.Equal("deploybot", result.Detail.Owner);
            Assert.Equal("bot", result.Detail.OwnerType);
            Assert.Equal(["Acme"], result.Detail.Organizations);
        }
    }

    /// <summary>Every built-in check: the path it asks, a 200 it accepts, and that 401 is invalid.</summary>
    public static TheoryData<string, string, string, string?> Providers() => new()
    {
        { "github-pat-fine-grained", "/user", """{"login":"octocat"}""", "octocat" },
        { "gitlab-pat", "/api/v4/personal_access_tokens/self", """{"id":4,"name":"ci token","scopes":["read_api","api"],"user_id":42,"active":true}""", "42" },
        { "openai-project-key", "/v1/models", """{"object":"list","data":[{"id":"gpt-4o"}]}""", null },
        { "npm-access-token", "/-/whoami", """{"username":"npmuser"}""", "npmuser" },
        { "stripe-secret-key-live", "/v1/account", """{"id":"acct_1","object":"account"}""", "acct_1" },
        { "sendgrid-api-key", "/v3/scopes", """{"scopes":["mail.send","alerts.read"]}""", null },
        { "replicate-api-token", "/v1/account", """{"type":"user","username":"repuser","name":"Rep"}""", "repuser" },
        { "groq-api-key", "/openai/v1/models", """{"object":"list","data":[]}""", null },
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Each_provider_check_asks_its_path_and_reads_its_answer(string ruleId, string path, string body, string? owner)
    {
        var rule = Pack.Find(ruleId)!;
        var spec = rule.Verify!;
        string good = Token("tok", 40, 19), bad = Token("tok", 40, 20);
        await using var server = new LoopbackHttpServer(r => r.Raw.Contains(good, StringComparison.Ordinal)
            ? ServerAnswer.Json(200, body)
            : ServerAnswer.Json(401, """{"error":"unauthorized"}"""));
        using var service = Service(Env((VerificationEndpoints.TestVariableFor(spec.Host), server.BaseUrl)));

        var results = await service.VerifyAsync(Pack, [(ruleId, good), (ruleId, bad)]);

        var valid = results.Get(ruleId, good)!;
        Assert.Equal(VerificationStatus.Valid, valid.Status);
        Assert.Equal(owner, valid.Detail.Owner);
        Assert.Equal(VerificationStatus.Invalid, results.Get(ruleId, bad)!.Status);
        Assert.All(server.Requests, r => Assert.Equal(path, r.Target));
        string header = spec.Kind == VerifierKind.HeaderGet ? $"{spec.Header}: " : "Authorization: Bearer ";
        AssertOnlyInHeader(server.Requests.Single(r => r.Raw.Contains(good, StringComparison.Ordinal)), good, header + good);
        if (ruleId == "gitlab-pat")
        {
            Assert.Equal("ci token", valid.Detail.TokenName);
            Assert.Equal(["api", "read_api"], valid.Detail.Scopes);
        }
    }

    [Fact]
    public async Task A_stripe_restricted_key_without_the_permission_is_live()
    {
        string token = Token("rk" + "_live_", 99, 21);
        await using var server = new LoopbackHttpServer(_ => ServerAnswer.Json(403, """{"error":{"type":"invalid_request_error"}}"""));
        using var service = Service(Env((VerificationEndpoints.TestVariableFor("api.stripe.com"), server.BaseUrl)));

        var result = (await service.VerifyAsync(Pack, [("stripe-restricted-key-live", token)])).Get("stripe-restricted-key-live", token)!;

        Assert.Equal(VerificationStatus.Valid, result.Status);
        Assert.Equal(403, result.Detail.HttpStatus);
    }

    [Fact]
    public void Every_built_in_check_goes_to_its_provider_over_https_without_overrides()
    {
        var endpoints = new VerificationEndpoints(_ => null);
        var checks = Pack.Rules.Where(r => r.Verify is not null).ToList();
        Assert.True(checks.Select(r => r.Verify!.Host).Distinct().Count() >= 9, "at least nine providers");
        foreach (var rule in checks)
        {
            var (uri, error) = endpoints.Resolve(rule.Verify!);
            Assert.Null(error);
            Assert.Equal("https", uri!.Scheme);
            Assert.Equal(443, uri.Port);
            Assert.Equal(rule.Verify!.Host, uri.Host);
            Assert.True(VerificationHostPolicy.BuiltInHosts.Contains(uri.Host), uri.Host);
            Assert.Equal(rule.Verify.Path, uri.AbsolutePath);
        }
    }

    [Fact]
    public async Task Nothing_is_sent_for_findings_without_a_check()
    {
        using var service = Service(_ => throw new InvalidOperationException("no variable should be read"));

        var results = await service.VerifyAsync(Pack, [("generic-secret-assignment", "s3cr3t-value-1234"), ("no-such-rule", "x")]);

        Assert.Equal(0, results.Count);
        Assert.Equal(0, service.RequestsSent);
    }
}
