using SecretHook.Core.Reporting;

namespace SecretHook.Core.Tests.Reporting;

public sealed class GitHubReporterTests
{
    [Theory]
    [InlineData("plain", "plain", "plain")]
    [InlineData("100%", "100%25", "100%25")]
    [InlineData("a\r\nb", "a%0D%0Ab", "a%0D%0Ab")]
    [InlineData("k: v, w", "k: v, w", "k%3A v%2C w")]
    [InlineData("%3A already", "%253A already", "%253A already")]
    public void Escapes_data_and_properties_as_the_actions_runner_expects(string value, string data, string property)
    {
        Assert.Equal(data, GitHubReporter.EscapeData(value));
        Assert.Equal(property, GitHubReporter.EscapeProperty(value));
    }

    [Fact]
    public void Prints_one_error_command_per_finding_with_a_position()
    {
        string token = ReportFixtures.Token(1);
        var report = ReportFixtures.Report(("dir,x/a:b.py", $"\n  t = \"{token}\"\n"));
        string text = ReportFixtures.Render(new GitHubReporter(), report);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        string line = Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("::error file=dir%2Cx/a%3Ab.py,line=2,col=8,endLine=2,endColumn=45,title=secrethook%3A huggingface-user-token::", line, StringComparison.Ordinal);
        string message = line[(line.IndexOf("::", 2, StringComparison.Ordinal) + 2)..];
        Assert.StartsWith($"Hugging Face user access token: {token[..4]}…%0A", message, StringComparison.Ordinal);
        Assert.Contains("fingerprint: dir,x/a:b.py:huggingface-user-token:", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clean_scan_prints_nothing()
    {
        Assert.Equal("", ReportFixtures.Render(new GitHubReporter(), ReportFixtures.Empty()));
    }
}
