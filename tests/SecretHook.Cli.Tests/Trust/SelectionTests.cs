using System.Text.Json;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Trust;

/// <summary>
/// Issue 8.5 and 8.7: <c>--include</c>/<c>--exclude</c> with .gitignore semantics (a pattern without a
/// <c>/</c> matches at any depth), an empty selection is visible, an invalid glob is exit 2; an output
/// file in a missing directory is a one-line error; the summary counts files with findings.
/// </summary>
public sealed class SelectionTests
{
    private static readonly string Token = TestSecrets.HuggingFace(821);

    private static TempDir Tree()
    {
        var dir = new TempDir();
        dir.Write("top.py", $"a = \"{Token}\"\n");
        dir.Write("pkg/mod/deep.py", $"a = \"{Token}\"\n");
        dir.Write("config/app.yaml", $"token: {Token}\n");
        dir.Write("notes.txt", "nothing here\n");
        return dir;
    }

    private static List<string> Files(CliResult r) =>
        [.. JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("file").GetString()!)];

    [Fact]
    public void Include_matches_at_any_depth()
    {
        using var dir = Tree();
        Assert.Equal(["pkg/mod/deep.py", "top.py"], Files(CliHarness.Run(dir.Path, ["scan", "--include", "*.py", "-f", "json"])));
        Assert.Equal(["pkg/mod/deep.py"], Files(CliHarness.Run(dir.Path, ["scan", "--include", "pkg/**/*.py", "-f", "json"])));
        Assert.Equal(["top.py"], Files(CliHarness.Run(dir.Path, ["scan", "--include", "/*.py", "-f", "json"])));
        Assert.Equal(["pkg/mod/deep.py"], Files(CliHarness.Run(dir.Path, ["scan", "--include", "mod/", "-f", "json"])));
        Assert.Equal(["pkg/mod/deep.py", "top.py"], Files(CliHarness.Run(dir.Path, ["scan", "--include", "[dt]*.p[y]", "-f", "json"])));
    }

    [Fact]
    public void Exclude_matches_at_any_depth()
    {
        using var dir = Tree();
        Assert.Equal(["pkg/mod/deep.py", "top.py"], Files(CliHarness.Run(dir.Path, ["scan", "--exclude", "*.yaml", "-f", "json"])));
        Assert.Equal(["config/app.yaml", "top.py"], Files(CliHarness.Run(dir.Path, ["scan", "--exclude", "pkg", "-f", "json"])));
    }

    [Fact]
    public void A_glob_that_selects_nothing_is_a_warning()
    {
        using var dir = Tree();
        var r = CliHarness.Run(dir.Path, ["scan", "--include", "*.rs"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("warning: --include '*.rs' matched no file", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("warning: no file was selected: nothing was scanned", r.Stderr, StringComparison.Ordinal);
        var quiet = CliHarness.Run(dir.Path, ["scan", "--exclude", "*.rs", "-q"]);
        Assert.Contains("warning: --exclude '*.rs' matched no file", quiet.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("src/[a-")]
    [InlineData("x\\")]
    public void An_invalid_glob_is_exit_2(string glob)
    {
        using var dir = Tree();
        var r = CliHarness.Run(dir.Path, ["scan", "--include", glob]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"invalid --include glob '{glob}'", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void An_output_file_in_a_missing_directory_is_one_line_and_exit_2()
    {
        using var dir = Tree();
        var r = CliHarness.Run(dir.Path, ["scan", "-o", "/nonexistent/x.json", "-f", "json"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("secrethook: error: cannot write /nonexistent/x.json: no such directory: /nonexistent\n", r.Stderr.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("internal error", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_counts_files_with_findings_and_files_scanned()
    {
        using var dir = Tree();
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Matches(@"secrethook: 3 findings in 3 files \(4 files scanned, \d+ B\)", r.Stderr);
        dir.Write("top.py", $"a = \"{Token}\"\nb = \"{TestSecrets.HuggingFace(822)}\"\n");
        Assert.Matches(@"secrethook: 4 findings in 3 files \(4 files scanned", CliHarness.Run(dir.Path, ["scan"]).Stderr);
    }
}
