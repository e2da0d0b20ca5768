using System.Diagnostics;
using System.Text.Json;
using SecretHook.Cli.Tests.Support;
using SecretHook.Core.Configuration;

namespace SecretHook.Cli.Tests.Config;

public sealed class ConfigFileTests
{
    private static readonly string Token = TestSecrets.HuggingFace(41);

    private const string AcmeRule = """
        rules:
          - id: acme-key
            description: Acme key
            keywords: [acme_]
            regex: '(?<secret>acme_[0-9]{6})'
            remediation: Rotate it in the Acme console.
        """;

    private static List<string> RuleIds(CliResult r) =>
        [.. JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()!)];

    private static List<string> Lines(string text) => [.. text.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    [Fact]
    public void Custom_rules_extend_the_built_in_pack_by_default()
    {
        using var dir = new TempDir();
        dir.Write(".secrethook.yaml", AcmeRule);
        dir.Write("x.txt", $"k = acme_123456\nt = {Token}\n");
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["acme-key", "huggingface-user-token"], RuleIds(r));
        Assert.Contains("acme-key", CliHarness.Run(dir.Path, ["rules"]).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Extend_false_replaces_the_built_in_pack()
    {
        using var dir = new TempDir();
        dir.Write(".secrethook.yaml", "extend: false\n" + AcmeRule);
        dir.Write("x.txt", $"k = acme_123456\nt = {Token}\n");
        Assert.Equal(["acme-key"], RuleIds(CliHarness.Run(dir.Path, ["scan", "-f", "json"])));
        Assert.Equal("acme-key  custom  Acme key\n1 rules\n", CliHarness.Run(dir.Path, ["rules"]).Stdout);
    }

    [Fact]
    public void Disable_turns_rules_off_and_an_unknown_id_is_an_error()
    {
        using var dir = new TempDir();
        dir.Write("x.txt", $"t = {Token}\n");
        dir.Write(".secrethook.yaml", "disable:\n  - huggingface-user-token\n");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
        dir.Write(".secrethook.yaml", "disable: [huggingface-user-token, hugginface-org-token]\n");
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal([".secrethook.yaml:1:35: 'disable': unknown rule id 'hugginface-org-token' (see 'secrethook rules')"], Lines(r.Stderr));
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Allowlist_paths_regexes_and_stopwords_drop_findings()
    {
        using var dir = new TempDir();
        string a = TestSecrets.HuggingFace(42), b = TestSecrets.HuggingFace(43);
        dir.Write("testdata/fixture.py", $"t = \"{Token}\"\n");
        dir.Write("src/a.py", $"t = \"{a}\"\n");
        dir.Write("src/b.py", $"t = \"{b}\"\n");
        dir.Write("src/keep.py", $"t = \"{TestSecrets.HuggingFace(44)}\"\n");
        Assert.Equal(4, RuleIds(CliHarness.Run(dir.Path, ["scan", "-f", "json"])).Count);
        dir.Write(".secrethook.yaml", $"""
            allowlist:
              paths: ["testdata/**"]
              regexes: ['^{a[..10]}']
              stopwords: [{b[5..15]}]
            """);
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        var findings = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings");
        Assert.Equal("src/keep.py", Assert.Single(findings.EnumerateArray()).GetProperty("file").GetString());
        // The path allowlist also applies when the files are not walked from the root (findings are filtered).
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan", "testdata/fixture.py", "src/a.py"]).ExitCode);
    }

    [Fact]
    public void Max_file_size_comes_from_the_configuration_unless_the_option_is_given()
    {
        using var dir = new TempDir();
        dir.Write("big.txt", new string('a', 3000) + $"\nt={Token}\n");
        dir.Write(".secrethook.yaml", "max-file-size: 2K\n");
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("skipped big.txt: larger than 2048 bytes", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, CliHarness.Run(dir.Path, ["scan", "--max-file-size", "1M"]).ExitCode);
    }

    [Fact]
    public void Max_decode_depth_comes_from_the_configuration_unless_the_option_is_given()
    {
        using var dir = new TempDir();
        dir.Write("blob.txt", $"blob = \"{Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"token = {Token}"))}\"\n");
        Assert.Equal(1, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
        dir.Write(".secrethook.yaml", "max-decode-depth: 0\n");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
        Assert.Equal(1, CliHarness.Run(dir.Path, ["scan", "--max-decode-depth", "1"]).ExitCode);
        dir.Write(".secrethook.yaml", "max-decode-depth: 9\n");
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(".secrethook.yaml:1:19: 'max-decode-depth' must be a whole number from 0 to 4", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_its_exact_position()
    {
        using var dir = new TempDir();
        dir.Write("x.txt", "nothing\n");
        dir.Write(".secrethook.yaml", """
            extend: maybe
            disable: [huggingface-user-token]
            allowlist:
              paths: ['/abs/**']
              regexes: ['(?<=x)y', '[unclosed']
              colour: red
            max-file-size: lots
            rules:
              - id: acme-key
                description: Acme
                keywords: [acme_]
                regex: '(?<secret>acme_[0-9]+'
                remediation: r
                severity: high
            bogus: 1
            """);
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal(
            [
                ".secrethook.yaml:1:9: 'extend' must be true (add to the built-in rules) or false (replace them)",
                ".secrethook.yaml:4:11: path glob '/abs/**' must be relative and use forward slashes",
                ".secrethook.yaml:5:13: regex is not supported by the linear-time engine: RegexOptions.NonBacktracking is not supported in conjunction with expressions containing: 'positive lookahead (?= pattern) or positive lookbehind (?<= pattern)'.",
                ".secrethook.yaml:5:34: invalid regex: UnterminatedBracket at offset 9",
                ".secrethook.yaml:6:3: unknown key 'colour' (expected one of: paths, regexes, stopwords)",
                ".secrethook.yaml:7:16: 'max-file-size' must be a size in bytes, or with K, M or G (e.g. 1048576, 512K, 10M; at most 2G)",
                ".secrethook.yaml:12:34: rule acme-key: invalid regex: InsufficientClosingParentheses at offset 21",
                ".secrethook.yaml:14:5: rule acme-key: unknown key 'severity' (expected one of: …)",
                ".secrethook.yaml:15:1: unknown key 'bogus' (expected one of: rules, disable, extend, allowlist, max-file-size, max-decode-depth, compatible-markers)",
            ],
            // The rule schema's key list belongs to patterns/SCHEMA.md; only its presence is pinned here.
            Lines(r.Stderr).Select(l => l.Contains("rule acme-key: unknown key", StringComparison.Ordinal)
                ? l[..(l.IndexOf("(expected one of: ", StringComparison.Ordinal) + 18)] + "…)" : l));
    }

    [Fact]
    public void Invalid_yaml_and_a_missing_config_file_exit_2()
    {
        using var dir = new TempDir();
        dir.Write(".secrethook.yaml", "allowlist: [unclosed\n");
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith(".secrethook.yaml:2:1: invalid YAML: ", Assert.Single(Lines(r.Stderr)), StringComparison.Ordinal);
        var missing = CliHarness.Run(dir.Path, ["scan", "--config", "nope.yaml"]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("secrethook: error: no such configuration file: nope.yaml", Assert.Single(Lines(missing.Stderr)));
    }

    [Fact]
    public void A_catastrophic_regex_runs_in_linear_time()
    {
        // (a+)+$ takes exponential time on "aaa…a!" with a backtracking engine; the config compiles it
        // with RegexOptions.NonBacktracking, so a 16 KiB window and a 100k-character string are instant.
        var loaded = ConfigLoader.Load("c.yaml", """
            allowlist:
              regexes: ['(a+)+$']
            rules:
              - id: evil
                description: Evil
                keywords: [xaa]
                multiline: true
                regex: '(?<secret>x(a+)+y)'
                remediation: r
            """);
        Assert.True(loaded.Success, string.Join("\n", loaded.Errors));
        var clock = Stopwatch.StartNew();
        Assert.DoesNotMatch(loaded.Config!.Rules[0].Regex, "x" + new string('a', 100_000) + "!");
        Assert.False(loaded.Config!.Allowlist.Allows(new string('a', 100_000) + "!"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");

        using var dir = new TempDir();
        dir.Write(".secrethook.yaml", """
            rules:
              - id: evil
                description: Evil
                keywords: [xaa]
                multiline: true
                regex: '(?<secret>x(a+)+y)'
                remediation: r
            """);
        dir.Write("input.txt", string.Concat(Enumerable.Repeat("x" + new string('a', 20_000) + "!\n", 20)));
        clock.Restart();
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Equal(0, r.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Found_at_the_git_top_level_from_a_subdirectory()
    {
        using var dir = new TempDir();
        Git.Init(dir.Path);
        dir.Write(".secrethook.yaml", "disable: [huggingface-user-token]\n");
        dir.Write("sub/deeper/x.txt", $"t = {Token}\n");
        string sub = Path.Combine(dir.Path, "sub");
        Assert.Equal(0, CliHarness.Run(sub, ["scan"]).ExitCode);
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan", "sub/deeper"]).ExitCode);
        // --config points elsewhere: the root's file is not read.
        File.WriteAllText(Path.Combine(dir.Path, "other.yaml"), "extend: true\n");
        Assert.Equal(1, CliHarness.Run(sub, ["scan", "--config", "../other.yaml", "--exclude", "*.yaml"]).ExitCode);
    }

    [Fact]
    public void Outside_git_the_scanned_directory_is_the_root()
    {
        using var dir = new TempDir();
        dir.Write("proj/.secrethook.yaml", "disable: [huggingface-user-token]\n");
        dir.Write("proj/x.txt", $"t = {Token}\n");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan", "proj"]).ExitCode);
        Assert.Equal(0, CliHarness.Run(Path.Combine(dir.Path, "proj"), ["scan"]).ExitCode);
        // Scanning a subdirectory finds the configuration beside the working directory…
        dir.Write("proj/src/y.txt", $"t = {Token}\n");
        Assert.Equal(0, CliHarness.Run(Path.Combine(dir.Path, "proj"), ["scan", "src"]).ExitCode);
        // …but never one above the working directory.
        Assert.Equal(1, CliHarness.Run(Path.Combine(dir.Path, "proj/src"), ["scan"]).ExitCode);
    }

    [Fact]
    public void Init_writes_a_starter_that_loads_and_refuses_to_overwrite_without_force()
    {
        using var dir = new TempDir();
        var r = CliHarness.Run(dir.Path, ["init"]);
        Assert.Equal(0, r.ExitCode);
        string path = Path.Combine(dir.Path, ".secrethook.yaml");
        Assert.Equal(ConfigLoader.StarterConfig, File.ReadAllText(path));
        Assert.True(ConfigLoader.Load("starter", ConfigLoader.StarterConfig).Success);
        Assert.Contains("#", File.ReadAllText(path), StringComparison.Ordinal);
        dir.Write("x.txt", $"t = {Token}\n");
        Assert.Equal(1, CliHarness.Run(dir.Path, ["scan"]).ExitCode);

        File.WriteAllText(path, "disable: [huggingface-user-token]\n");
        var again = CliHarness.Run(dir.Path, ["init"]);
        Assert.Equal(2, again.ExitCode);
        Assert.Equal("secrethook: error: .secrethook.yaml already exists (use --force to overwrite it)", Assert.Single(Lines(again.Stderr)));
        Assert.Equal("disable: [huggingface-user-token]\n", File.ReadAllText(path));
        Assert.Equal(0, CliHarness.Run(dir.Path, ["init", "--force"]).ExitCode);
        Assert.Equal(ConfigLoader.StarterConfig, File.ReadAllText(path));
    }

    [Fact]
    public void Init_writes_at_the_git_top_level()
    {
        using var dir = new TempDir();
        Git.Init(dir.Path);
        Directory.CreateDirectory(Path.Combine(dir.Path, "a/b"));
        Assert.Equal(0, CliHarness.Run(Path.Combine(dir.Path, "a/b"), ["init"]).ExitCode);
        Assert.True(File.Exists(Path.Combine(dir.Path, ".secrethook.yaml")));
    }

    [Fact]
    public void The_documented_example_is_a_valid_configuration()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "SecretHook.sln")))
        {
            root = root.Parent;
        }
        Assert.NotNull(root);
        string doc = File.ReadAllText(Path.Combine(root.FullName, "docs", "configuration.md"));
        int start = doc.IndexOf("```yaml\n# .secrethook.yaml\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "no example in docs/configuration.md");
        start = doc.IndexOf('\n', start) + 1;
        string yaml = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
        var loaded = ConfigLoader.Load("example", yaml);
        Assert.True(loaded.Success, string.Join("\n", loaded.Errors));
        var composed = ConfigLoader.Compose(Core.Rules.BuiltInRules.Load(), null, loaded.Config!);
        Assert.True(composed.Success, string.Join("\n", composed.Errors));
        Assert.NotNull(composed.RuleSet!.Find("acme-api-key"));
    }

    [Fact]
    public void Custom_rule_ids_may_not_clash_with_built_in_ones_when_extending()
    {
        using var dir = new TempDir();
        dir.Write(".secrethook.yaml", AcmeRule.Replace("acme-key", "huggingface-user-token", StringComparison.Ordinal));
        var r = CliHarness.Run(dir.Path, ["scan"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Matches(@"^\.secrethook\.yaml:2:5: rule huggingface-user-token: duplicate rule id \(first defined at patterns/huggingface\.yaml:\d+:\d+\)$", Assert.Single(Lines(r.Stderr)));
    }
}
