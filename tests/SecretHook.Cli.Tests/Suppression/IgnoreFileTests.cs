using System.Text.Json;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Tests.Support;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;
using SecretHook.Core.Suppression;

namespace SecretHook.Cli.Tests.Suppression;

public sealed class IgnoreFileTests
{
    private static readonly string A = TestSecrets.HuggingFace(61);
    private static readonly string B = TestSecrets.HuggingFace(62);

    /// <summary>
    /// A fingerprint that matches nothing. Its hash (the 16 hex digits in a seeded order: as random-looking
    /// as a real one) is made at test time, because a literal one trips the generic rule on this file.
    /// </summary>
    private static readonly string Stale = "src/old.py:huggingface-user-token:" + Shuffled("0123456789abcdef", 63);

    private static string Shuffled(string chars, int seed)
    {
        var random = new Random(seed);
        return new string([.. chars.OrderBy(_ => random.Next())]);
    }

    private static List<string> Fingerprints(CliResult r) =>
        [.. JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("fingerprint").GetString()!)];

    private static TempDir TwoFindings()
    {
        var dir = new TempDir();
        dir.Write("src/a.py", $"a = \"{A}\"\n");
        dir.Write("src/b.py", $"b = \"{B}\"\n");
        return dir;
    }

    [Fact]
    public void Listed_fingerprints_are_suppressed_with_comments_and_crlf_tolerated()
    {
        using var dir = TwoFindings();
        var fps = Fingerprints(CliHarness.Run(dir.Path, ["scan", "-f", "json"]));
        Assert.Equal(2, fps.Count);
        Assert.All(fps, fp => Assert.DoesNotContain(A, fp, StringComparison.Ordinal));
        dir.Write(".secrethookignore", $"# reviewed 2024: test fixture\r\n\r\n   {fps[0]}   # fixture token, revoked\r\n");
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal([fps[1]], Fingerprints(r));
        dir.Write(".secrethookignore", $"{fps[0]}\n{fps[1]}\n");
        var text = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("0 findings in 0 files (3 files scanned", text.Stderr, StringComparison.Ordinal);
        Assert.Contains("2 suppressed: 2 by .secrethookignore", text.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprints_survive_line_moves()
    {
        using var dir = TwoFindings();
        var fps = Fingerprints(CliHarness.Run(dir.Path, ["scan", "-f", "json"]));
        dir.Write(".secrethookignore", string.Join("\n", fps) + "\n");
        dir.Write("src/a.py", $"import os\n\n\nx = 1\na = \"{A}\"\n");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
    }

    [Fact]
    public void Report_stale_lists_entries_that_matched_nothing_without_changing_the_exit_code()
    {
        using var dir = TwoFindings();
        var fps = Fingerprints(CliHarness.Run(dir.Path, ["scan", "-f", "json"]));
        dir.Write(".secrethookignore", $"{fps[0]}\n# gone\n{Stale}\n");
        var quiet = CliHarness.Run(dir.Path, ["scan", "-q"]);
        Assert.Equal(1, quiet.ExitCode);
        Assert.Equal("", quiet.Stderr);
        var r = CliHarness.Run(dir.Path, ["scan", "-q", "--report-stale"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"secrethook: stale: .secrethookignore:3: {Stale} matched no finding\n", r.Stderr.ReplaceLineEndings("\n"));
        dir.Write("src/b.py", "clean\n");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan", "--report-stale"]).ExitCode);
    }

    [Fact]
    public void A_malformed_line_is_an_error_with_its_position()
    {
        using var dir = TwoFindings();
        dir.Write(".secrethookignore", $"# ok\n{Stale}\n  src/a.py line 3\nsrc/b.py:huggingface-user-token:0123\n");
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        const string message = "not a fingerprint: expected PATH:RULE-ID:HASH (16 hex digits), optionally followed by ' # comment'";
        Assert.Equal([$".secrethookignore:3:3: {message}", $".secrethookignore:4:1: {message}"],
            r.Stderr.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void The_ignore_file_itself_is_never_reported()
    {
        // A fingerprint followed by a comment once read like "token: <random hex>" to the generic rule;
        // it is recognised by its shape, wherever it is written.
        using var dir = new TempDir();
        string line = $"{Stale} # fixture\n";
        dir.Write("notes.txt", line);
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
        File.Delete(Path.Combine(dir.Path, "notes.txt"));
        dir.Write(".secrethookignore", line);
        dir.Write("sub/.secrethookignore", line);
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
    }

    [Fact]
    public void Is_read_from_the_git_top_level()
    {
        using var dir = new TempDir();
        Git.Init(dir.Path);
        dir.Write("src/a.py", $"a = \"{A}\"\n");
        var fp = Assert.Single(Fingerprints(CliHarness.Run(dir.Path, ["scan", "-f", "json"])));
        dir.Write(".secrethookignore", fp + "\n");
        Assert.Equal(0, CliHarness.Run(Path.Combine(dir.Path, "src"), ["scan", ".."]).ExitCode);
    }

    [Fact]
    public void Every_source_that_runs_through_the_pipeline_is_filtered()
    {
        // The git commands (staged, commits, pre-push, ci) feed the same pipeline as scan: the ignore
        // file applies to whatever a source produces, without code of its own.
        using var dir = new TempDir();
        var rules = BuiltInRules.Load();
        var findings = new Detector(rules).ScanText($"a = \"{A}\"\nb = \"{B}\"\n", "src/app.py");
        Assert.Equal(2, findings.Count);
        dir.Write(IgnoreFile.FileName, findings[0].Fingerprint + "\n");
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        var env = new CliEnvironment(Stream.Null, stdout, stderr, dir.Path, _ => null);
        var settings = SettingsBuilder.Build(new RawOptions { Format = "json" }, InputKind.None, env);
        var outcome = ScanPipeline.Execute(settings, new ChunkSource("src/app.py", $"a = \"{A}\"\nb = \"{B}\"\n"));
        Assert.Equal(1, ReportWriter.Finish(settings, outcome, env));
        var written = JsonDocument.Parse(stdout.ToArray()).RootElement.GetProperty("findings");
        Assert.Equal(findings[1].Fingerprint, Assert.Single(written.EnumerateArray()).GetProperty("fingerprint").GetString());
    }

    private sealed class ChunkSource(string path, string text) : IScanSource
    {
        public void Run(IScanSink sink) => sink.Content(new Chunk(System.Text.Encoding.UTF8.GetBytes(text), path));
    }
}
