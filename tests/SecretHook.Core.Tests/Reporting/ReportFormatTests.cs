using SecretHook.Core.Reporting;

namespace SecretHook.Core.Tests.Reporting;

/// <summary>Properties every format shares: redacted by default, plaintext only on request, stable bytes.</summary>
public sealed class ReportFormatTests
{
    public static TheoryData<string> Formats => new() { "TextReporter", "JsonReporter", "SarifReporter", "JUnitReporter", "GitHubReporter" };

    private static IReporter Reporter(string name) => ReportFixtures.All().Single(r => r.GetType().Name == name);

    private static ScanReport Sample(string token) => ReportFixtures.Report(
        ("z.txt", $"HF={token}\n"),
        ("a/b.ipynb", $"    \"login(token=\\\"{ReportFixtures.OrgToken(9)}\\\")\\n\",\n"));

    [Theory]
    [MemberData(nameof(Formats))]
    public void Never_contains_the_plaintext_secret_unless_asked(string format)
    {
        string token = ReportFixtures.Token(21);
        var report = Sample(token);
        Assert.Equal(2, report.Findings.Count);
        Assert.DoesNotContain(token, ReportFixtures.Render(Reporter(format), report), StringComparison.Ordinal);
        Assert.DoesNotContain(token[4..], ReportFixtures.Render(Reporter(format), report), StringComparison.Ordinal);
        Assert.Contains(token, ReportFixtures.Render(Reporter(format), report, new ReportOptions(Redact: false)), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Is_byte_identical_for_the_same_findings_in_any_order(string format)
    {
        var report = Sample(ReportFixtures.Token(22));
        var reversed = new ScanReport(report.Findings.Reverse(), [], report.Stats.Files, report.Stats.Bytes, TimeSpan.FromSeconds(3), report.Rules);
        Assert.Equal(ReportFixtures.Render(Reporter(format), report), ReportFixtures.Render(Reporter(format), reversed));
    }
}
