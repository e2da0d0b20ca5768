using System.Text.Json;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Suppression;

/// <summary>A <c>secrethook:allow</c> marker on a finding's line suppresses it, whatever the comment syntax.</summary>
public sealed class InlineAllowTests
{
    private static readonly string Allowed = TestSecrets.HuggingFace(51);
    private static readonly string Reported = TestSecrets.HuggingFace(52);

    [Theory]
    [InlineData("app.py", "token = \"{0}\"  # secrethook:allow test fixture")]
    [InlineData("app.sh", "export HF_TOKEN={0} #secrethook:allow")]
    [InlineData("app.ts", "const token = \"{0}\"; // secrethook:allow")]
    [InlineData("app.c", "const char *token = \"{0}\"; /* secrethook:allow */")]
    [InlineData("app.css", "/* secrethook:allow */ --token: \"{0}\";")]
    [InlineData("app.html", "<meta name=\"token\" content=\"{0}\"> <!-- secrethook:allow -->")]
    [InlineData("app.sql", "INSERT INTO t VALUES ('{0}'); -- secrethook:allow")]
    [InlineData("app.lua", "local token = \"{0}\" -- secrethook:allow")]
    [InlineData("app.ini", "token = {0} ; secrethook:allow")]
    public void Suppresses_the_finding_on_its_line_in_any_comment_syntax(string file, string template)
    {
        using var dir = new TempDir();
        string allowedLine = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Allowed);
        string reportedLine = string.Format(System.Globalization.CultureInfo.InvariantCulture, template.Replace("secrethook:allow", "reviewed", StringComparison.Ordinal), Reported);
        dir.Write(file, $"{allowedLine}\n{reportedLine}\n");
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.Equal(1, r.ExitCode);
        var finding = Assert.Single(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(2, finding.GetProperty("line").GetInt32());
    }

    [Fact]
    public void A_marker_on_another_line_does_not_suppress()
    {
        using var dir = new TempDir();
        dir.Write("app.py", $"# secrethook:allow\ntoken = \"{Reported}\"\nother = 1  # secrethook:allow\n");
        Assert.Equal(1, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
    }

    [Fact]
    public void Works_with_crlf_line_ends()
    {
        using var dir = new TempDir();
        dir.Write("app.ps1", $"$t = \"{Allowed}\" # secrethook:allow\r\n$u = \"{Reported}\"\r\n");
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.Equal(2, Assert.Single(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray()).GetProperty("line").GetInt32());
    }
}
