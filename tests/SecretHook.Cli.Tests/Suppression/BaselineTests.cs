using System.Text.Json;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Suppression;

public sealed class BaselineTests
{
    private static readonly string Old1 = TestSecrets.HuggingFace(71);
    private static readonly string Old2 = TestSecrets.HuggingFace(72);
    private static readonly string New = TestSecrets.HuggingFace(73);

    private static TempDir Tree()
    {
        var dir = new TempDir();
        dir.Write("z/last.env", $"HF={Old2}\n");
        dir.Write("a/first.py", $"t = \"{Old1}\"\nu = \"{Old1}\"\n");
        dir.Write("ok.txt", "nothing\n");
        return dir;
    }

    [Fact]
    public void Create_records_hashes_only_sorted_and_without_timestamps()
    {
        using var dir = Tree();
        var r = CliHarness.Run(dir.Path, ["baseline", "create"]);
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain(Old1, r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Old2, r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Old1[..8], r.Stdout, StringComparison.Ordinal);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(["version", "findings"], root.EnumerateObject().Select(p => p.Name));
        var entries = root.GetProperty("findings").EnumerateArray().ToList();
        // Two findings of one secret in one file share a fingerprint: one entry.
        Assert.Equal(2, entries.Count);
        Assert.Equal(["a/first.py", "z/last.env"], entries.Select(e => e.GetProperty("file").GetString()));
        var first = entries[0];
        Assert.Equal(["fingerprint", "ruleId", "file", "secretHash"], first.EnumerateObject().Select(p => p.Name));
        Assert.Matches("^a/first.py:huggingface-user-token:[0-9a-f]{16}$", first.GetProperty("fingerprint").GetString()!);
        Assert.Matches("^[0-9a-f]{16}$", first.GetProperty("secretHash").GetString()!);
        Assert.EndsWith("}\n", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Round_trip_is_byte_identical_and_an_unchanged_file_is_not_rewritten()
    {
        using var dir = Tree();
        Assert.Equal(0, CliHarness.Run(dir.Path, ["baseline", "create", "-o", ".secrethook-baseline.json"]).ExitCode);
        string path = Path.Combine(dir.Path, ".secrethook-baseline.json");
        byte[] first = File.ReadAllBytes(path);
        var stamp = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, stamp);

        // The baseline now lies in the scanned tree; recording again must not change a byte.
        var again = CliHarness.Run(dir.Path, ["baseline", "create", "-o", ".secrethook-baseline.json", "-j", "1"]);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("baseline unchanged", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(first, File.ReadAllBytes(path));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
        Assert.Equal(first, System.Text.Encoding.UTF8.GetBytes(CliHarness.Run(dir.Path, ["baseline", "create"]).Stdout));

        // Moving a secret to another line changes nothing either.
        dir.Write("a/first.py", $"import os\n\nt = \"{Old1}\"\n");
        CliHarness.Run(dir.Path, ["baseline", "create", "-o", ".secrethook-baseline.json"]);
        Assert.Equal(first, File.ReadAllBytes(path));
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan", "--baseline", ".secrethook-baseline.json"]).ExitCode);
    }

    [Fact]
    public void Scanning_with_a_baseline_reports_only_new_findings()
    {
        using var dir = Tree();
        CliHarness.Run(dir.Path, ["baseline", "create", "-o", "ci/known.json"]);
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan", "--baseline", "ci/known.json"]).ExitCode);
        dir.Write("a/new.py", $"n = \"{New}\"\n");
        dir.Write("z/last.env", $"HF={Old2}\nHF2={New}\n");
        var r = CliHarness.Run(dir.Path, ["scan", "--baseline", "ci/known.json", "-f", "json"]);
        Assert.Equal(1, r.ExitCode);
        var files = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("file").GetString(), f.GetProperty("line").GetInt32())).ToList();
        Assert.Equal([("a/new.py", 1), ("z/last.env", 2)], files);
        var text = CliHarness.Run(dir.Path, ["scan", "--baseline", "ci/known.json"]);
        Assert.Contains("2 findings in 2 files (5 files scanned", text.Stderr, StringComparison.Ordinal);
        Assert.Contains("3 suppressed: 3 by baseline", text.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_applies_the_configuration_and_the_ignore_file()
    {
        using var dir = Tree();
        dir.Write(".secrethook.yaml", "allowlist:\n  paths: ['z/**']\n");
        var entries = JsonDocument.Parse(CliHarness.Run(dir.Path, ["baseline", "create"]).Stdout).RootElement.GetProperty("findings");
        string fp = Assert.Single(entries.EnumerateArray()).GetProperty("fingerprint").GetString()!;
        dir.Write(".secrethookignore", fp + "\n");
        Assert.Equal(0, JsonDocument.Parse(CliHarness.Run(dir.Path, ["baseline", "create"]).Stdout).RootElement.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public void Create_records_staged_changes_with_repository_paths()
    {
        using var dir = new TempDir();
        Git.Init(dir.Path);
        dir.Write("README.md", "hello\n");
        Git.Run(dir.Path, "add", "README.md");
        Git.Run(dir.Path, "commit", "-q", "-m", "init");
        dir.Write("sub/app.py", $"t = \"{Old1}\"\n");
        Git.Run(dir.Path, "add", "sub/app.py");
        var r = CliHarness.Run(Path.Combine(dir.Path, "sub"), ["baseline", "create", "--staged"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var entry = Assert.Single(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("sub/app.py", entry.GetProperty("file").GetString());
    }

    [Fact]
    public void Git_commands_honour_the_ignore_file_the_baseline_and_the_configuration()
    {
        using var dir = new TempDir();
        Git.Init(dir.Path);
        dir.Write("README.md", "hello\n");
        Git.Run(dir.Path, "add", "README.md");
        Git.Run(dir.Path, "commit", "-q", "-m", "init");
        dir.Write("src/a.py", $"a = \"{Old1}\"\n");
        dir.Write("src/b.py", $"b = \"{Old2}\"\n");
        dir.Write("fixtures/c.py", $"c = \"{New}\"\n");
        Git.Run(dir.Path, "add", "src", "fixtures");
        var all = CliHarness.Run(dir.Path, ["staged", "-f", "json"]);
        Assert.Equal(1, all.ExitCode);
        var fps = JsonDocument.Parse(all.Stdout).RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => f.GetProperty("fingerprint").GetString()!).ToList();
        Assert.Equal(3, fps.Count);

        dir.Write(".secrethook.yaml", "allowlist:\n  paths: ['fixtures/**']\n");
        dir.Write(".secrethookignore", fps.Single(f => f.StartsWith("src/a.py:", StringComparison.Ordinal)) + "\n");
        var r = CliHarness.Run(Path.Combine(dir.Path, "src"), ["staged", "-f", "json"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("src/b.py", Assert.Single(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray()).GetProperty("file").GetString());

        Assert.Equal(0, CliHarness.Run(dir.Path, ["baseline", "create", "--staged", "-o", ".secrethook-baseline.json"]).ExitCode);
        Assert.Equal(0, CliHarness.Run(dir.Path, ["staged", "--baseline", ".secrethook-baseline.json"]).ExitCode);
        Git.Run(dir.Path, "commit", "-q", "-m", "add");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["commits", "HEAD", "--baseline", ".secrethook-baseline.json"]).ExitCode);
        Assert.Equal(1, CliHarness.Run(dir.Path, ["commits", "HEAD"]).ExitCode);
        var history = CliHarness.Run(dir.Path, ["baseline", "create", "--commits", "HEAD~1..HEAD"]);
        Assert.Equal(0, history.ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(dir.Path, ".secrethook-baseline.json")), history.Stdout);
    }

    [Theory]
    [InlineData("{\"version\": 1, \"findings\": [", "secrethook: error: b.json: 1:29: invalid JSON")]
    [InlineData("{\"version\": 2, \"findings\": []}", "secrethook: error: b.json: unsupported baseline version 2 (this secrethook reads version 1)")]
    [InlineData("[]", "secrethook: error: b.json: not a secrethook baseline (expected {\"version\": 1, \"findings\": [...]}; create one with 'secrethook baseline create')")]
    [InlineData("{\"version\": 1, \"findings\": [{\"file\": \"x\"}]}", "secrethook: error: b.json: findings[0]: expected an object with a string 'fingerprint'")]
    public void A_bad_baseline_is_an_error(string content, string message)
    {
        using var dir = Tree();
        dir.Write("b.json", content);
        var r = CliHarness.Run(dir.Path, ["scan", "--baseline", "b.json"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal(message, r.Stderr.Trim());
        Assert.Equal(2, CliHarness.Run(dir.Path, ["scan", "--baseline", "missing.json"]).ExitCode);
    }

    [Theory]
    [InlineData(new[] { "baseline", "create", "--staged", "--commits", "HEAD" }, "--staged and --commits cannot be combined")]
    [InlineData(new[] { "baseline", "create", "src", "--staged" }, "paths cannot be combined with --staged or --commits")]
    public void Bad_usage_exits_2(string[] args, string message)
    {
        using var dir = Tree();
        var r = CliHarness.Run(dir.Path, args);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"secrethook: error: {message}", r.Stderr.Trim());
    }
}
