using SecretHook.Core.Reporting;

namespace SecretHook.Core.Tests.Reporting;

public sealed class TextReporterTests
{
    [Fact]
    public void Groups_by_file_shows_fingerprints_and_each_remediation_once()
    {
        var report = ReportFixtures.Report(
            ("b.py", $"a = \"{ReportFixtures.Token(1)}\"\nb = \"{ReportFixtures.Token(2)}\"\n"),
            ("a.py", $"c = \"{ReportFixtures.Token(3)}\"\n"));
        string text = ReportFixtures.Render(new TextReporter(), report);
        Assert.True(text.IndexOf("a.py\n", StringComparison.Ordinal) < text.IndexOf("b.py\n", StringComparison.Ordinal));
        Assert.Equal(1, Count(text, "\nb.py\n") + (text.StartsWith("b.py\n", StringComparison.Ordinal) ? 1 : 0));
        Assert.Equal(1, Count(text, "Revoke or rotate this token"));
        foreach (var f in report.Findings)
        {
            Assert.Contains($"fingerprint: {f.Fingerprint}", text, StringComparison.Ordinal);
        }
        Assert.Contains("secrethook:allow", text, StringComparison.Ordinal);
        Assert.Contains(".secrethookignore", text, StringComparison.Ordinal);
        Assert.Contains("baseline", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Hugging_face_remediation_follows_the_hugging_face_guidance()
    {
        string remediation = ReportFixtures.Rules.Find("huggingface-user-token")!.Remediation;
        Assert.Contains("Revoke or rotate", remediation, StringComparison.Ordinal);
        Assert.Contains("https://hf.co/settings/tokens", remediation, StringComparison.Ordinal);
        Assert.Contains("fine-grained", remediation, StringComparison.Ordinal);
        Assert.Contains("least privilege", remediation, StringComparison.Ordinal);
        Assert.Contains("HF_TOKEN environment variable", remediation, StringComparison.Ordinal);
        Assert.Contains("secrets manager", remediation, StringComparison.Ordinal);
        Assert.Contains("never put it in a git remote URL", remediation, StringComparison.Ordinal);
    }

    [Fact]
    public void Findings_only_leaves_out_the_advice()
    {
        var report = ReportFixtures.Report(("a.py", $"c = \"{ReportFixtures.Token(3)}\"\n"));
        string text = ReportFixtures.Render(new TextReporter(), report, new ReportOptions(FindingsOnly: true));
        Assert.Contains("huggingface-user-token", text, StringComparison.Ordinal);
        Assert.DoesNotContain("What to do", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Revoke", text, StringComparison.Ordinal);
    }

    private static int Count(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }
}
