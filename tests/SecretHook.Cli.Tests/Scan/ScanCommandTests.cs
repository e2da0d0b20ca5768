using System.Text;
using System.Text.Json;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Scan;

public sealed class ScanCommandTests
{
    private static readonly string Token = TestSecrets.HuggingFace(11);

    private static JsonElement Json(CliResult r) => JsonDocument.Parse(r.Stdout).RootElement;

    private static List<string> Files(CliResult r) =>
        [.. Json(r).GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("file").GetString()!)];

    [Fact]
    public void Clean_tree_exits_0_and_findings_exit_1()
    {
        using var dir = new TempDir();
        dir.Write("src/ok.py", "print('hello')\n");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
        dir.Write("src/bad.py", $"token = \"{Token}\"\n");
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("src/bad.py", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("1:10", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("huggingface-user-token", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("hf.co/settings/tokens", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, r.Stdout + r.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"secrethook: 1 finding in 1 file \(2 files scanned, \d+ B\), \d+ ms", r.Stderr);
    }

    [Fact]
    public void Json_report_follows_the_contract()
    {
        using var dir = new TempDir();
        dir.Write("b.env", $"X=1\nHF={Token}\n");
        dir.Write("a/c.json", $"{{\"token\": \"{Token}\"}}\n");
        var r = CliHarness.Run(dir.Path, ["scan", "--format", "json"]);
        Assert.Equal(1, r.ExitCode);
        var root = Json(r);
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["a/c.json", "b.env"], Files(r));
        var f = findings[1];
        string[] keys = ["ruleId", "description", "file", "line", "column", "endLine", "endColumn", "secret", "fingerprint"];
        Assert.Equal(keys, f.EnumerateObject().Select(p => p.Name));
        Assert.Equal((2, 4, 2, 41), (f.GetProperty("line").GetInt32(), f.GetProperty("column").GetInt32(),
            f.GetProperty("endLine").GetInt32(), f.GetProperty("endColumn").GetInt32()));
        Assert.Equal(Token[..4] + "…", f.GetProperty("secret").GetString());
        var stats = root.GetProperty("stats");
        Assert.Equal((2, 2, 0), (stats.GetProperty("files").GetInt32(), stats.GetProperty("findings").GetInt32(), stats.GetProperty("skipped").GetInt32()));
        Assert.True(stats.GetProperty("bytes").GetInt32() > 0);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void Output_is_identical_across_runs_and_written_to_a_file_on_request()
    {
        using var dir = new TempDir();
        for (int i = 0; i < 40; i++)
        {
            dir.Write($"d{i % 7}/f{i}.txt", $"k{i}={TestSecrets.HuggingFace(100 + i)}\n");
        }
        var first = CliHarness.Run(dir.Path, ["scan", "-f", "json", "-j", "2"]);
        var second = CliHarness.Run(dir.Path, ["scan", "-f", "json", "-j", "1"]);
        Assert.Equal(first.Stdout, second.Stdout);
        var toFile = CliHarness.Run(dir.Path, ["scan", "-f", "json", "-o", "report.json", "--exclude", "report.json"]);
        Assert.Equal(1, toFile.ExitCode);
        Assert.Equal("", toFile.Stdout);
        Assert.Equal(first.Stdout, File.ReadAllText(Path.Combine(dir.Path, "report.json")));
    }

    [Fact]
    public void No_redact_shows_the_secret()
    {
        using var dir = new TempDir();
        dir.Write("x.py", $"t = '{Token}'\n");
        Assert.Contains(Token, CliHarness.Run(dir.Path, ["scan", "--no-redact"]).Stdout, StringComparison.Ordinal);
        Assert.Contains(Token, CliHarness.Run(dir.Path, ["scan", "--no-redact", "-f", "json"]).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_standard_input()
    {
        var r = CliHarness.Run(Path.GetTempPath(), ["scan", "-", "-f", "json"], stdin: $"a\nb = {Token}\n");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["<stdin>"], Files(r));
        Assert.Equal(0, CliHarness.Run(Path.GetTempPath(), ["scan", "-"], stdin: "nothing here\n").ExitCode);
    }

    [Fact]
    public void Skips_binary_and_oversized_files_and_says_so()
    {
        using var dir = new TempDir();
        dir.WriteBytes("blob.bin", [.. Encoding.ASCII.GetBytes($"t={Token}"), 0, 1, 2]);
        dir.Write("big.txt", new string('a', 3000) + $"\nt={Token}\n");
        dir.Write("small.txt", "nothing\n");
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json", "--max-file-size", "2K"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(2, Json(r).GetProperty("stats").GetProperty("skipped").GetInt32());
        Assert.Contains("skipped big.txt: larger than 2048 bytes", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, CliHarness.Run(dir.Path, ["scan", "--max-file-size", "1M"]).ExitCode);
    }

    [Fact]
    public void Max_decode_depth_sets_how_many_layers_of_encoding_are_looked_through()
    {
        using var dir = new TempDir();
        static string Base64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));
        dir.Write("once.txt", $"blob = \"{Base64($"token = {Token}")}\"\n");
        dir.Write("twice.txt", $"blob = \"{Base64(Base64($"token = {Token}"))}\"\n");
        List<string> Found(params string[] extra) => Files(CliHarness.Run(dir.Path, ["scan", "-f", "json", .. extra]));
        Assert.Equal(["once.txt", "twice.txt"], Found());
        Assert.Equal(["once.txt", "twice.txt"], Found("--max-decode-depth", "2"));
        Assert.Equal(["once.txt"], Found("--max-decode-depth", "1"));
        Assert.Empty(Found("--max-decode-depth", "0"));
        // Text as written is scanned at every depth.
        dir.Write("plain.txt", $"token = {Token}\n");
        Assert.Equal(["plain.txt"], Found("--max-decode-depth", "0"));
    }

    [Fact]
    public void Scans_utf16_files_with_a_byte_order_mark()
    {
        using var dir = new TempDir();
        dir.WriteBytes("win.ps1", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes($"$t = \"{Token}\"\r\n")]);
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(7, Json(r).GetProperty("findings")[0].GetProperty("column").GetInt32());
    }

    [Fact]
    public void Never_descends_into_dot_git_or_follows_symlinks_out_of_the_tree()
    {
        using var outside = new TempDir();
        outside.Write("leak.txt", $"t={Token}\n");
        using var dir = new TempDir();
        dir.Write(".git/config", $"[remote \"origin\"]\n  url = https://u:{Token}@hf.co/x\n");
        dir.Write("src/ok.txt", "fine\n");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "linked-dir"), outside.Path);
        File.CreateSymbolicLink(Path.Combine(dir.Path, "linked-file.txt"), Path.Combine(outside.Path, "leak.txt"));
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.True(r.ExitCode == 0, r.Stdout);
        Assert.Equal(1, Json(r).GetProperty("stats").GetProperty("files").GetInt32());
    }

    [Fact]
    public void Honours_gitignore_in_a_work_tree_unless_told_not_to()
    {
        using var dir = new TempDir();
        Git.Init(dir.Path);
        dir.Write(".gitignore", "secrets.env\nbuild/\n");
        dir.Write("secrets.env", $"HF={Token}\n");
        dir.Write("build/out.txt", $"HF={Token}\n");
        dir.Write("app.py", "print(1)\n");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
        var all = CliHarness.Run(dir.Path, ["scan", "--no-ignore", "-f", "json"]);
        Assert.Equal(["build/out.txt", "secrets.env"], Files(all));
    }

    [Fact]
    public void Include_and_exclude_globs_select_files()
    {
        using var dir = new TempDir();
        dir.Write("src/a.py", $"t={Token}\n");
        dir.Write("src/b.js", $"t={Token}\n");
        dir.Write("vendor/c.py", $"t={Token}\n");
        Assert.Equal(["src/a.py", "vendor/c.py"], Files(CliHarness.Run(dir.Path, ["scan", "-f", "json", "--include", "**/*.py"])));
        Assert.Equal(["src/a.py", "src/b.js"], Files(CliHarness.Run(dir.Path, ["scan", "-f", "json", "--exclude", "vendor/**"])));
    }

    [Fact]
    public void Outside_git_paths_are_relative_to_the_scan_root_and_displayed_as_given()
    {
        using var dir = new TempDir();
        dir.Write("one/x.txt", $"t={Token}\n");
        dir.Write("two/y.txt", $"t={Token}\n");
        // The canonical path (JSON "file", fingerprints) is relative to the scan root: the directory
        // given, a file's directory, or the directory several paths share.
        Assert.Equal(["x.txt"], Files(CliHarness.Run(dir.Path, ["scan", "one", "-f", "json"])));
        Assert.Equal(["one/x.txt", "two/y.txt"], Files(CliHarness.Run(dir.Path, ["scan", "one", "two/", "-f", "json"])));
        Assert.Equal(["y.txt"], Files(CliHarness.Run(dir.Path, ["scan", "two/y.txt", "-f", "json"])));
        // The text report shows the path as the user gave it.
        Assert.StartsWith("one/x.txt\n", CliHarness.Run(dir.Path, ["scan", "./one"]).Stdout, StringComparison.Ordinal);
        Assert.StartsWith("two/y.txt\n", CliHarness.Run(dir.Path, ["scan", "two/y.txt"]).Stdout, StringComparison.Ordinal);
        // A .secrethookignore beside the paths makes that folder the root, for identity and suppression alike.
        dir.Write(".secrethookignore", "# none yet\n");
        Assert.Equal(["two/y.txt"], Files(CliHarness.Run(dir.Path, ["scan", "two/y.txt", "-f", "json"])));
    }

    [Theory]
    [InlineData(new[] { "scan", "--bogus" }, "Unrecognized option '--bogus'")]
    [InlineData(new[] { "scan", "missing-dir" }, "no such file or directory: missing-dir")]
    [InlineData(new[] { "scan", "--format", "xml" }, "unknown format 'xml'")]
    [InlineData(new[] { "scan", "--max-file-size", "lots" }, "invalid size 'lots'")]
    [InlineData(new[] { "scan", "-j", "0" }, "invalid value '0' for --threads")]
    [InlineData(new[] { "scan", "--max-decode-depth", "5" }, "invalid value '5' for --max-decode-depth")]
    [InlineData(new[] { "scan", "--max-decode-depth", "-1" }, "invalid value '-1' for --max-decode-depth")]
    [InlineData(new[] { "frobnicate" }, "Unrecognized command or argument 'frobnicate'")]
    public void Bad_usage_is_one_line_on_stderr_and_exit_2(string[] args, string message)
    {
        using var dir = new TempDir();
        var r = CliHarness.Run(dir.Path, args);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("secrethook: error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_rule_file_reports_positions_and_exits_2()
    {
        using var dir = new TempDir();
        dir.Write("rules/bad.yaml", "rules:\n  - id: my-rule\n    description: d\n    keywords: [abc]\n    regex: '(?<secret>abc'\n    remediation: r\n");
        var r = CliHarness.Run(dir.Path, ["scan", ".", "--rules", "rules/bad.yaml"]);
        Assert.Equal(2, r.ExitCode);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rules/bad.yaml:5:", line, StringComparison.Ordinal);
        Assert.Contains("rule my-rule: invalid regex", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_rule_files_add_rules()
    {
        using var dir = new TempDir();
        dir.Write("rules/acme.yaml", "rules:\n  - id: acme-key\n    description: Acme key\n    keywords: [acme_]\n    regex: '(?<secret>acme_[0-9]{6})'\n    remediation: Rotate it.\n");
        dir.Write("src/x.txt", "k = acme_123456\n");
        var r = CliHarness.Run(dir.Path, ["scan", "src", "--rules", "rules", "-f", "json"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("acme-key", Json(r).GetProperty("findings")[0].GetProperty("ruleId").GetString());
    }

    [Fact]
    public void An_empty_directory_is_a_clean_scan()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "empty.d"));
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(0, Json(r).GetProperty("stats").GetProperty("files").GetInt32());
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_an_error_not_a_pass()
    {
        using var dir = new TempDir();
        dir.Write("ok.txt", "fine\n");
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        var env = new CliEnvironment(Stream.Null, stdout, stderr, dir.Path, _ => null);
        var settings = SettingsBuilder.Build(new RawOptions(), InputKind.None, env);
        var outcome = ScanPipeline.Execute(settings, new FailingSource(Path.Combine(dir.Path, "ok.txt")));
        Assert.Equal(1, outcome.Files);
        Assert.Equal("gone.txt: No such file", Assert.Single(outcome.Errors));
        Assert.Equal(2, ReportWriter.Finish(settings, outcome, env));
        Assert.Contains("1 input(s) could not be scanned", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>One readable file, then one the source could not read.</summary>
    private sealed class FailingSource(string ok) : IScanSource
    {
        public void Run(IScanSink sink)
        {
            sink.File(new FileItem(ok, "ok.txt", "ok.txt"));
            sink.Fail("gone.txt: No such file");
        }
    }

    [Fact]
    public void Rules_command_lists_the_pack_as_text_and_json()
    {
        var text = CliHarness.Run(Path.GetTempPath(), ["rules"]);
        Assert.Equal(0, text.ExitCode);
        Assert.Matches(@"huggingface-user-token\s+Hugging Face\s+Hugging Face user access token", text.Stdout);
        var json = JsonDocument.Parse(CliHarness.Run(Path.GetTempPath(), ["rules", "--format", "json"]).Stdout).RootElement;
        var ids = json.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Contains("huggingface-org-token", ids);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public void Version_and_help_exit_0()
    {
        var v = CliHarness.Run(Path.GetTempPath(), ["--version"]);
        Assert.Equal(0, v.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", v.Stdout);
        var h = CliHarness.Run(Path.GetTempPath(), ["scan", "--help"]);
        Assert.Equal(0, h.ExitCode);
        Assert.Contains("--max-file-size", h.Stdout, StringComparison.Ordinal);
    }
}
