using SecretHook.Core.Rules;
using SecretHook.Core.Verification;

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

    /// <summary>A one-rule file whose rule ends with <paramref name="verify"/> (written at column 5, line 8).</summary>
    private static string WithVerify(string verify) => $"""
        rules:
          - id: acme-key
            description: Acme key
            keywords: [acme_]
            regex: '(?<secret>acme_[a-z0-9]{"{"}20{"}"})'
            remediation: Rotate it.
            entropy: 3
            {verify}
        """;

    [Fact]
    public void Reads_a_verify_block()
    {
        var result = Load(WithVerify("verify: {kind: header-get, host: api.github.com, path: /v1/me, header: X-Api-Key, headers: {x-version: '2'}, owner: user.login, name: token.name, scopes: token.scopes, scopes-header: x-scopes, forbidden: valid}"));
        Assert.True(result.Success, string.Join("\n", result.Errors));
        var v = Assert.Single(result.RuleSet!.Rules).Verify!;
        Assert.Equal(VerifierKind.HeaderGet, v.Kind);
        Assert.Equal("api.github.com", v.Host);
        Assert.Equal("/v1/me", v.Path);
        Assert.Equal("x-api-key", v.Header);
        Assert.Equal([new KeyValuePair<string, string>("x-version", "2")], v.Headers);
        Assert.Equal("user.login", v.Owner);
        Assert.Equal("token.name", v.Name);
        Assert.Equal("token.scopes", v.Scopes);
        Assert.Equal("x-scopes", v.ScopesHeader);
        Assert.Equal(ForbiddenMeaning.Valid, v.Forbidden);
        Assert.Equal(new SourceLocation("custom.yaml", 8, 13), v.Location);
    }

    [Fact]
    public void A_fixed_kind_names_its_own_host()
    {
        var v = Assert.Single(Load(WithVerify("verify: {kind: huggingface-whoami}")).RuleSet!.Rules).Verify!;
        Assert.Equal(("huggingface.co", "/api/whoami-v2"), (v.Host, v.Path));
    }

    [Theory]
    [InlineData("verify: huggingface", "custom.yaml:8:13: rule acme-key: 'verify' must be a mapping with a 'kind' (see patterns/SCHEMA.md)")]
    [InlineData("verify: {host: api.github.com}", "custom.yaml:8:13: rule acme-key: 'verify' needs a 'kind'")]
    [InlineData("verify: {kind: curl}", "custom.yaml:8:20: rule acme-key: 'verify.kind' must be one of: bearer-get, header-get, huggingface-whoami, slack-auth-test")]
    [InlineData("verify: {kind: huggingface-whoami, host: hf.evil.example}", "custom.yaml:8:40: rule acme-key: unknown key 'host': 'verify' of kind huggingface-whoami has a fixed host and takes no other key")]
    [InlineData("verify: {kind: slack-auth-test, endpoint: 'http://127.0.0.1'}", "custom.yaml:8:37: rule acme-key: unknown key 'endpoint': 'verify' of kind slack-auth-test has a fixed host and takes no other key")]
    [InlineData("verify: {kind: bearer-get, path: /user}", "custom.yaml:8:13: rule acme-key: 'verify' needs a 'host' (the provider's API host name)")]
    [InlineData("verify: {kind: bearer-get, host: api.github.com}", "custom.yaml:8:13: rule acme-key: 'verify' needs a 'path' (e.g. /v1/models)")]
    [InlineData("verify: {kind: bearer-get, host: 'https://api.github.com', path: /user}", "custom.yaml:8:38: rule acme-key: 'verify.host' must be a lower-case DNS name such as api.example.com: the check always uses https on port 443, so no scheme, port, path or IP address")]
    [InlineData("verify: {kind: bearer-get, host: 'api.github.com:8443', path: /user}", "custom.yaml:8:38: rule acme-key: 'verify.host' must be a lower-case DNS name such as api.example.com: the check always uses https on port 443, so no scheme, port, path or IP address")]
    [InlineData("verify: {kind: bearer-get, host: 127.0.0.1, path: /user}", "custom.yaml:8:38: rule acme-key: 'verify.host' must be a lower-case DNS name such as api.example.com: the check always uses https on port 443, so no scheme, port, path or IP address")]
    [InlineData("verify: {kind: bearer-get, host: api.github.com, path: '/user?token=1'}", "custom.yaml:8:60: rule acme-key: 'verify.path' must start with '/' and hold only URL path characters: no query ('?'), fragment ('#'), '..' segment, space or '\\'")]
    [InlineData("verify: {kind: bearer-get, host: api.github.com, path: '//evil.example/x'}", "custom.yaml:8:60: rule acme-key: 'verify.path' must start with '/' and hold only URL path characters: no query ('?'), fragment ('#'), '..' segment, space or '\\'")]
    [InlineData("verify: {kind: bearer-get, host: api.github.com, path: /user, method: DELETE}", "custom.yaml:8:67: rule acme-key: unknown key 'method' (expected one of: kind, host, path, owner, name, scopes, scopes-header, headers, forbidden)")]
    [InlineData("verify: {kind: bearer-get, host: api.github.com, path: /user, headers: {Host: evil.example}}", "custom.yaml:8:77: rule acme-key: 'verify.headers': 'Host' is not a header name a rule may set")]
    [InlineData("verify: {kind: header-get, host: api.github.com, path: /user}", "custom.yaml:8:13: rule acme-key: 'verify' of kind header-get needs a 'header' (the request header that carries the token)")]
    [InlineData("verify: {kind: header-get, host: api.github.com, path: /user, header: Cookie}", "custom.yaml:8:75: rule acme-key: 'verify.header' may not be Cookie")]
    [InlineData("verify: {kind: bearer-get, host: api.github.com, path: /user, owner: 'a..b'}", "custom.yaml:8:74: rule acme-key: 'verify.owner' must be a dotted path of JSON member names (e.g. user.login)")]
    [InlineData("verify: {kind: bearer-get, host: api.github.com, path: /user, forbidden: maybe}", "custom.yaml:8:78: rule acme-key: 'verify.forbidden' must be 'valid' (a 403 answer means a live token without that permission) or 'invalid'")]
    public void Reports_bad_verify_data_with_its_position(string verify, string expected)
    {
        var result = Load(WithVerify(verify));
        Assert.False(result.Success);
        Assert.Equal(expected, Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void A_custom_rule_cannot_send_a_secret_to_a_host_that_is_not_built_in()
    {
        var result = Load(WithVerify("verify: {kind: bearer-get, host: collector.evil.example, path: /t}"));
        var error = Assert.Single(result.Errors);
        Assert.Equal(new SourceLocation("custom.yaml", 8, 38), error.Location);
        Assert.StartsWith("'verify.host' collector.evil.example is not a built-in verification host (api.anthropic.com, ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("a custom rule may send a secret to another host only when the user allows that host in their own configuration, never a repository's", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_the_user_allows_may_be_named()
    {
        var policy = VerificationHostPolicy.AllowingCustomHosts(["collector.corp.example"]);
        var result = RuleLoader.Load([new RuleSource("custom.yaml", WithVerify("verify: {kind: bearer-get, host: collector.corp.example, path: /t}"))], true, verifyHosts: policy);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        Assert.True(policy.Permits(result.RuleSet!.Rules[0], result.RuleSet.Rules[0].Verify!));
        Assert.False(VerificationHostPolicy.BuiltInOnly.Permits(result.RuleSet.Rules[0], result.RuleSet.Rules[0].Verify!));
    }

    [Fact]
    public void A_user_allowed_host_must_be_a_host_name()
    {
        Assert.Throws<ArgumentException>(() => VerificationHostPolicy.AllowingCustomHosts(["https://x.example/"]));
    }

    [Fact]
    public void The_built_in_pack_round_trips_its_verify_blocks_through_the_binary_form()
    {
        var yaml = BuiltInRules.Load();
        using var stream = new MemoryStream();
        RulePackSerializer.Write(yaml, stream);
        stream.Position = 0;
        var binary = RulePackSerializer.Read(stream);
        var withChecks = yaml.Rules.Where(r => r.Verify is not null).ToList();
        Assert.True(withChecks.Count >= 10);
        foreach (var rule in withChecks)
        {
            var copy = binary.Find(rule.Id)!.Verify!;
            Assert.Equal(rule.Verify!.TargetKey, copy.TargetKey);
            Assert.Equal(rule.Verify.Location, copy.Location);
        }
        Assert.Equal(yaml.Rules.Count(r => r.Verify is null), binary.Rules.Count(r => r.Verify is null));
    }

    [Fact]
    public void A_binary_pack_cut_short_or_with_trailing_bytes_is_refused_and_a_whole_one_reads_from_any_stream()
    {
        var yaml = BuiltInRules.Load();
        using var stream = new MemoryStream();
        RulePackSerializer.Write(yaml, stream);
        byte[] pack = stream.ToArray();
        foreach (int length in new[] { 0, 3, 8, pack.Length / 2, pack.Length - 1 })
        {
            Assert.Throws<InvalidDataException>(() => RulePackSerializer.Read(new MemoryStream(pack, 0, length)));
        }
        Assert.Throws<InvalidDataException>(() => RulePackSerializer.Read(new MemoryStream([.. pack, 0])));
        // A string length of more than 31 bits, or of six bytes, is refused as such (here the first string
        // read: the global allowlist's first regex).
        foreach (byte[] length in new byte[][] { [0x80, 0x80, 0x80, 0x80, 0x08], [0x80, 0x80, 0x80, 0x80, 0x80, 0x01] })
        {
            var bad = new MemoryStream();
            bad.Write(pack.AsSpan(0, 8));        // magic and format version
            bad.Write([1, 0, 0, 0]);             // one allowlist regex
            bad.Write(length);
            bad.Position = 0;
            var error = Assert.Throws<InvalidDataException>(() => RulePackSerializer.Read(bad));
            Assert.Contains("bad string length", error.Message, StringComparison.Ordinal);
        }
        // A seekable stream is read from where it stands.
        var after = new MemoryStream([9, 9, 9, .. pack]) { Position = 3 };
        Assert.Equal(yaml.Rules.Count, RulePackSerializer.Read(after).Rules.Count);
        // A stream that cannot seek (a pipe) is read to its end first.
        var fromPipe = RulePackSerializer.Read(new BufferedStream(new NonSeekable(pack)));
        Assert.Equal(yaml.Rules.Select(r => (r.Id, r.Pattern, r.Remediation)), fromPipe.Rules.Select(r => (r.Id, r.Pattern, r.Remediation)));
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    private const string Windowed = """
        rules:
          - id: acme-key
            description: Acme key
            keywords: [acme_]
            regex: '(?:^|[^A-Za-z0-9])(?<secret>acme_[a-z0-9]{20})'
            window: {before: 0, after: 40}
            remediation: Rotate it.
        """;

    [Fact]
    public void Reads_a_window_and_reports_bad_ones()
    {
        var rule = Assert.Single(Load(Windowed).RuleSet!.Rules);
        Assert.Equal((0, 40), (rule.WindowBefore!.Value, rule.WindowAfter!.Value));
        var errors = Load(Windowed.Replace("{before: 0, after: 40}", "{before: -1, after: 0, around: 3}", StringComparison.Ordinal))
            .Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(errors, e => e.Contains("'window.before' must be a whole number of bytes from 0 to 512", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'window.after' must be a whole number of bytes from 1 to 512", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown key 'around'", StringComparison.Ordinal));
        Assert.Contains(Load(Windowed.Replace("{before: 0, after: 40}", "16", StringComparison.Ordinal)).Errors,
            e => e.ToString().Contains("'window' must be a mapping", StringComparison.Ordinal));
    }

    [Fact]
    public void A_window_narrows_where_the_regex_runs_but_anchors_still_see_the_whole_line()
    {
        var detector = new global::SecretHook.Core.Detection.Detector(Load(Windowed).RuleSet!);
        string key = "acme_" + new string('k', 12) + "12345678";
        // before: 0 runs the regex from the keyword on. It must not take that start for a line start…
        Assert.Empty(detector.ScanText($"config = x{key}\n"));
        Assert.Single(detector.ScanText($"{key}\n"));
        // …and a match cannot begin before it: the boundary byte in front of the key needs before: 1.
        Assert.Empty(detector.ScanText($"config = {key}\n"));
        var one = new global::SecretHook.Core.Detection.Detector(Load(Windowed.Replace("before: 0", "before: 1", StringComparison.Ordinal)).RuleSet!);
        Assert.Single(one.ScanText($"config = {key}\n"));
        Assert.Empty(one.ScanText($"config = x{key}\n"));
        // Rules without a window are unaffected.
        var wide = new global::SecretHook.Core.Detection.Detector(Load(Windowed.Replace("    window: {before: 0, after: 40}\n", "", StringComparison.Ordinal)).RuleSet!);
        Assert.Null(Assert.Single(wide.RuleSet.Rules).WindowBefore);
        Assert.Single(wide.ScanText($"config = {key}\n"));
    }
}
