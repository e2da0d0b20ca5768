using System.Text.Json;
using System.Xml.Linq;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Reports;

public sealed class ReportFormatCliTests
{
    private static readonly string Token = TestSecrets.HuggingFace(31);

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    [InlineData("junit")]
    [InlineData("github")]
    public void No_format_shows_the_secret_unless_no_redact_is_given(string format)
    {
        using var dir = new TempDir();
        dir.Write("a.py", $"token = \"{Token}\"\n");
        dir.Write("b/c.env", $"HF={Token}\n");
        var r = CliHarness.Run(dir.Path, ["scan", "-f", format]);
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain(Token, r.Stdout + r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Token[4..], r.Stdout + r.Stderr, StringComparison.Ordinal);
        var written = CliHarness.Run(dir.Path, ["scan", "-f", format, "-o", "report.out", "--exclude", "report.out"]);
        Assert.Equal(1, written.ExitCode);
        Assert.Equal(r.Stdout, File.ReadAllText(Path.Combine(dir.Path, "report.out")));
        Assert.Contains(Token, CliHarness.Run(dir.Path, ["scan", "-f", format, "--no-redact", "--exclude", "report.out"]).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Junit_and_github_formats_are_what_their_consumers_read()
    {
        using var dir = new TempDir();
        dir.Write("src/x.py", $"\nt = \"{Token}\"\n");
        var junit = CliHarness.Run(dir.Path, ["scan", "-f", "junit"]);
        var failure = XDocument.Parse(junit.Stdout).Descendants("failure").Single();
        Assert.Equal("huggingface-user-token", (string)failure.Attribute("type")!);
        var github = CliHarness.Run(dir.Path, ["scan", "-f", "github"]);
        Assert.StartsWith("::error file=src/x.py,line=2,col=6,endLine=2,endColumn=43,title=secrethook%3A huggingface-user-token::", github.Stdout, StringComparison.Ordinal);
        Assert.Equal("", github.Stderr);
        dir.Write("src/x.py", "clean\n");
        var clean = CliHarness.Run(dir.Path, ["scan", "-f", "junit"]);
        Assert.Equal(0, clean.ExitCode);
        Assert.Equal("no secrets found", (string)XDocument.Parse(clean.Stdout).Descendants("testcase").Single().Attribute("name")!);
        Assert.Equal("", CliHarness.Run(dir.Path, ["scan", "-f", "github"]).Stdout);
    }

    [Fact]
    public void Text_has_a_summary_on_stderr_and_quiet_prints_findings_only()
    {
        using var dir = new TempDir();
        dir.Write("a.py", $"token = \"{Token}\"\n");
        dir.Write("b.py", "ok\n");
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Matches(@"^secrethook: 1 finding in 1 file \(2 files scanned, \d+ B\), \d+ ms\n$", r.Stderr.ReplaceLineEndings("\n"));
        Assert.Contains("What to do", r.Stdout, StringComparison.Ordinal);
        var quiet = CliHarness.Run(dir.Path, ["scan", "--quiet"]);
        Assert.Equal(1, quiet.ExitCode);
        Assert.Equal("", quiet.Stderr);
        Assert.Contains("huggingface-user-token", quiet.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("What to do", quiet.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_format_lists_every_format()
    {
        using var dir = new TempDir();
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "xml"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("text, json, sarif, junit, github", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_contract_is_unchanged()
    {
        using var dir = new TempDir();
        dir.Write("a.py", $"token = \"{Token}\"\n");
        var root = JsonDocument.Parse(CliHarness.Run(dir.Path, ["scan", "-f", "json"]).Stdout).RootElement;
        Assert.Equal(["version", "findings", "stats"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["files", "bytes", "findings", "skipped"], root.GetProperty("stats").EnumerateObject().Select(p => p.Name));
    }
}
