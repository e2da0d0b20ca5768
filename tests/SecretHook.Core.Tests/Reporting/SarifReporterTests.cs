using System.Text.Json;
using SecretHook.Core.Reporting;

namespace SecretHook.Core.Tests.Reporting;

public sealed class SarifReporterTests
{
    private static JsonElement Sarif(ScanReport report, ReportOptions? options = null) =>
        JsonDocument.Parse(ReportFixtures.Render(new SarifReporter("1.2.3"), report, options)).RootElement;

    [Fact]
    public void Has_one_run_with_the_tool_and_only_the_rules_that_fired_sorted_by_id()
    {
        var report = ReportFixtures.Report(
            ("b.py", $"t = \"{ReportFixtures.Token(1)}\"\n"),
            ("a.py", $"o = \"{ReportFixtures.OrgToken(2)}\"\nt = \"{ReportFixtures.Token(3)}\"\n"));
        var root = Sarif(report);
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Equal(SarifReporter.SchemaUri, root.GetProperty("$schema").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("secrethook", driver.GetProperty("name").GetString());
        Assert.Equal("1.2.3", driver.GetProperty("semanticVersion").GetString());
        Assert.False(driver.TryGetProperty("informationUri", out _), "no made-up project URL");
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(["huggingface-org-token", "huggingface-user-token"], rules.Select(r => r.GetProperty("id").GetString()));
        var user = rules[1];
        Assert.Equal("HuggingfaceUserToken", user.GetProperty("name").GetString());
        Assert.Equal("Hugging Face user access token", user.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Contains("hf.co/settings/tokens", user.GetProperty("help").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("hf.co/settings/tokens", user.GetProperty("help").GetProperty("markdown").GetString(), StringComparison.Ordinal);
        Assert.Equal("error", user.GetProperty("defaultConfiguration").GetProperty("level").GetString());

        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["a.py", "a.py", "b.py"], results.Select(r => Location(r).GetProperty("artifactLocation").GetProperty("uri").GetString()));
        Assert.Equal([0, 1, 1], results.Select(r => r.GetProperty("ruleIndex").GetInt32()));
        Assert.All(results, r => Assert.Equal(rules[r.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString(), r.GetProperty("ruleId").GetString()));
    }

    [Fact]
    public void Results_carry_regions_redacted_snippets_and_partial_fingerprints()
    {
        string token = ReportFixtures.Token(4);
        var report = ReportFixtures.Report(("src/app.py", $"x = 1\nHF = \"{token}\"\n"));
        var finding = Assert.Single(report.Findings);
        var result = Sarif(report).GetProperty("runs")[0].GetProperty("results")[0];
        Assert.Equal("error", result.GetProperty("level").GetString());
        var region = Location(result).GetProperty("region");
        Assert.Equal((2, 7, 2, 44), (region.GetProperty("startLine").GetInt32(), region.GetProperty("startColumn").GetInt32(),
            region.GetProperty("endLine").GetInt32(), region.GetProperty("endColumn").GetInt32()));
        Assert.Equal(token[..4] + "…", region.GetProperty("snippet").GetProperty("text").GetString());
        Assert.Equal(finding.Fingerprint[(finding.Fingerprint.LastIndexOf(':') + 1)..],
            result.GetProperty("partialFingerprints").GetProperty(SarifReporter.FingerprintKey).GetString());
        Assert.Matches("^[0-9a-f]{16}$", result.GetProperty("partialFingerprints").GetProperty("secrethook/v1").GetString()!);
    }

    [Fact]
    public void No_redact_puts_the_secret_in_the_snippet_and_message()
    {
        string token = ReportFixtures.Token(5);
        var report = ReportFixtures.Report(("a.env", $"HF={token}\n"));
        string redacted = ReportFixtures.Render(new SarifReporter("1.0.0"), report);
        Assert.DoesNotContain(token, redacted, StringComparison.Ordinal);
        string plain = ReportFixtures.Render(new SarifReporter("1.0.0"), report, new ReportOptions(Redact: false));
        Assert.Contains(token, plain, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clean_scan_is_a_valid_empty_run()
    {
        var run = Sarif(ReportFixtures.Empty()).GetProperty("runs")[0];
        Assert.Empty(run.GetProperty("results").EnumerateArray());
        Assert.Empty(run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray());
    }

    [Theory]
    [InlineData("src/app.py", "src/app.py")]
    [InlineData("dir with space/a b.txt", "dir%20with%20space/a%20b.txt")]
    [InlineData(@"a\b.txt", "a%5Cb.txt")] // a backslash is part of a Linux file name
    [InlineData("c:colon/x", "c%3Acolon/x")]
    [InlineData("100%/#hash?q.txt", "100%25/%23hash%3Fq.txt")]
    [InlineData("ünï/日本.txt", "%C3%BCn%C3%AF/%E6%97%A5%E6%9C%AC.txt")]
    [InlineData("<stdin>", "%3Cstdin%3E")]
    [InlineData("a-b_c.d~e/f", "a-b_c.d~e/f")]
    public void Artifact_uris_are_percent_encoded_relative_references(string path, string expected)
    {
        Assert.Equal(expected, SarifReporter.ToUriReference(path));
        Assert.True(Uri.TryCreate(expected, UriKind.Relative, out _));
    }

    private static JsonElement Location(JsonElement result) =>
        result.GetProperty("locations")[0].GetProperty("physicalLocation");
}
