using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;

namespace SecretHook.Core.Tests.Detection;

public sealed class EntropyAndRedactionTests
{
    [Theory]
    [InlineData("", 0.0)]
    [InlineData("aaaa", 0.0)]
    [InlineData("abab", 1.0)]
    [InlineData("abcd", 2.0)]
    [InlineData("éééé", 0.0)]
    [InlineData("aé", 1.0)]
    public void Shannon_entropy_counts_and_divides_by_characters(string text, double expected) =>
        Assert.Equal(expected, Entropy.Shannon(text), 6);

    [Theory]
    [InlineData("hf_abcdefghijklmnop", "hf_a…")]
    [InlineData("123456789012", "1234…")]
    [InlineData("password1", "pas…")]
    [InlineData("ab", "…")]
    public void Redaction_shows_at_most_four_characters(string secret, string expected) =>
        Assert.Equal(expected, Redaction.Redact(secret));

    [Fact]
    public void Redacted_line_hides_the_secret()
    {
        var f = new Finding("r", "d", "f", 1, 5, 1, 25, "SECRETSECRETSECRET", "k = SECRETSECRETSECRET # c", "fp") { SnippetOffset = 4 };
        Assert.Equal("k = SECR… # c", Redaction.RedactLine(f));
    }

    [Fact]
    public void Text_report_never_writes_control_characters_from_file_names_or_subjects()
    {
        var f = new Finding("r", "d", "evil\n\u001b[31mname.txt", 1, 1, 1, 5, "SECRETSECRETSECRET", "SECRETSECRETSECRET", "fp",
            new CommitInfo("0123456789abcdef", "subject\u001b]0;title\u0007"));
        var report = new ScanReport([f], [], 1, 10, TimeSpan.Zero, new SecretHook.Core.Rules.RuleSet([], SecretHook.Core.Rules.Allowlist.Empty));
        using var stream = new MemoryStream();
        new TextReporter().Write(report, stream, new ReportOptions());
        string text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.Contains("evil\\n\\x1b[31mname.txt", text, StringComparison.Ordinal);
    }
}
