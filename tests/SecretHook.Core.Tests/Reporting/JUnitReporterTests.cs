using System.Xml.Linq;
using SecretHook.Core.Reporting;

namespace SecretHook.Core.Tests.Reporting;

public sealed class JUnitReporterTests
{
    private static XElement Suite(ScanReport report) =>
        XDocument.Parse(ReportFixtures.Render(new JUnitReporter(), report)).Root!.Element("testsuite")!;

    [Fact]
    public void A_clean_scan_is_one_passing_test_case()
    {
        var suite = Suite(ReportFixtures.Empty());
        Assert.Equal(("secrethook", "1", "0"), ((string)suite.Attribute("name")!, (string)suite.Attribute("tests")!, (string)suite.Attribute("failures")!));
        var test = Assert.Single(suite.Elements("testcase"));
        Assert.Null(test.Element("failure"));
    }

    [Fact]
    public void Each_finding_is_a_failing_test_case_with_its_fingerprint_and_remediation()
    {
        string token = ReportFixtures.Token(1);
        var report = ReportFixtures.Report(("a.py", $"t = \"{token}\"\n"), ("b/c.env", $"HF={ReportFixtures.Token(2)}\n"));
        string xml = ReportFixtures.Render(new JUnitReporter(), report);
        Assert.DoesNotContain(token, xml, StringComparison.Ordinal);
        var suite = XDocument.Parse(xml).Root!.Element("testsuite")!;
        Assert.Equal(("2", "2"), ((string)suite.Attribute("tests")!, (string)suite.Attribute("failures")!));
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(["a.py", "b/c.env"], cases.Select(c => (string)c.Attribute("classname")!));
        Assert.Equal("huggingface-user-token at a.py:1:6", (string)cases[0].Attribute("name")!);
        var failure = cases[0].Element("failure")!;
        Assert.Equal("huggingface-user-token", (string)failure.Attribute("type")!);
        Assert.Equal($"Hugging Face user access token: {token[..4]}…", (string)failure.Attribute("message")!);
        Assert.Contains(report.Findings[0].Fingerprint, failure.Value, StringComparison.Ordinal);
        Assert.Contains("hf.co/settings/tokens", failure.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("time", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_from_scanned_files_cannot_break_the_xml()
    {
        var report = ReportFixtures.Report(("we\u0001ird.txt", $"a\u0007b = \"{ReportFixtures.Token(3)}\" \u001b[31m\n"));
        Assert.Single(report.Findings);
        var doc = XDocument.Parse(ReportFixtures.Render(new JUnitReporter(), report));
        Assert.Equal("we?ird.txt", (string)doc.Descendants("testcase").Single().Attribute("classname")!);
    }
}
