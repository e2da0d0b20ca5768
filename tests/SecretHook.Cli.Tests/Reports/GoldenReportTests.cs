using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Reports;

/// <summary>
/// Byte-for-byte expected reports, one per format, on a fixture that has several secrets on one line,
/// a secret suppressed inline on the line of a reported one, another suppressed by
/// <c>.secrethookignore</c> beside a reported one, CRLF line ends and non-ASCII paths. The expected files
/// live in <c>Reports/Golden/</c>; run with <c>SECRETHOOK_UPDATE_GOLDEN=1</c> to rewrite them after an
/// intended change, and review the diff.
/// </summary>
public sealed class GoldenReportTests
{
    private static TempDir Fixture()
    {
        var dir = new TempDir();
        string a = TestSecrets.HuggingFace(901), b = TestSecrets.HuggingFace(902), c = TestSecrets.HuggingFace(903), d = TestSecrets.HuggingFace(904);
        dir.Write("app/settings.py", $"import os\nTOKENS = [\"{a}\", \"{b}\"]\n");
        dir.Write("notebooks/ünïcødé 日本.ipynb", $"{{\"cells\": [{{\"source\": [\r\n  \"login(token=\\\"{c}\\\")  # secrethook:allow\",\r\n  \"x = \\\"{d}\\\"\"\r\n]}}]}}\r\n");
        dir.Write("deploy/prod.env", $"A={a}\r\nB={c} C={d}\r\n");
        // c on deploy/prod.env line 2 is accepted by fingerprint; d beside it is still reported.
        var json = CliHarness.Run(dir.Path, ["scan", "-f", "json", "--no-redact"]).Stdout;
        var fp = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("findings").EnumerateArray()
            .First(f => f.GetProperty("secret").GetString() == c && f.GetProperty("file").GetString() == "deploy/prod.env").GetProperty("fingerprint").GetString();
        dir.Write(".secrethookignore", fp + "  # reviewed\n");
        return dir;
    }

    [Theory]
    [InlineData("text", "report.txt")]
    [InlineData("json", "report.json")]
    [InlineData("sarif", "report.sarif")]
    [InlineData("junit", "report.xml")]
    [InlineData("github", "report.github")]
    public void Report_matches_its_golden_file(string format, string golden)
    {
        using var dir = Fixture();
        var r = CliHarness.Run(dir.Path, ["scan", "-f", format]);
        Assert.Equal(1, r.ExitCode);
        string path = Path.Combine(RepositoryRoot.Path, "tests", "SecretHook.Cli.Tests", "Reports", "Golden", golden);
        if (Environment.GetEnvironmentVariable("SECRETHOOK_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, r.Stdout);
        }
        Assert.True(File.Exists(path), $"missing golden file {path}: run with SECRETHOOK_UPDATE_GOLDEN=1");
        Assert.Equal(File.ReadAllText(path), r.Stdout);
    }
}
