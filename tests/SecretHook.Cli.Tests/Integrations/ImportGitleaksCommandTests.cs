using System.Text.Json;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Integrations;

/// <summary>
/// <c>secrethook rules import-gitleaks FILE</c>: the converted YAML on stdout works as a
/// <c>.secrethook.yaml</c> — its rules fire on their own examples and its allowlist applies — and what
/// could not be converted is listed on stderr.
/// </summary>
public sealed class ImportGitleaksCommandTests
{
    private const string Toml = """
        title = "acme"

        [extend]
        useDefault = true

        [[rules]]
        id = "acme-api-key"
        description = "Acme API key"
        regex = '''(?i)\b(acme_[a-z0-9]{32})\b'''
        secretGroup = 1
        keywords = ["acme_"]

        [[rules]]
        id = "acme-internal"
        description = "Only in config files"
        regex = '''internal_[0-9a-f]{24}'''
        path = '''\.cfg$'''

        [allowlist]
        stopwords = ["deadbeef"]
        """;

    [Fact]
    public void Converted_rules_fire_on_their_examples_and_the_rest_is_listed()
    {
        using var dir = new TempDir();
        dir.Write(".gitleaks.toml", Toml);
        var import = CliHarness.Run(dir.Path, ["rules", "import-gitleaks", ".gitleaks.toml"]);
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Contains("acme-internal", import.Stderr, StringComparison.Ordinal);
        Assert.Contains("converted 1 of 2 rules", import.Stderr, StringComparison.Ordinal);
        dir.Write(".secrethook.yaml", import.Stdout);

        string key = "acme_" + TestSecrets.Draw("abcdefghijklmnopqrstuvwxyz0123456789", 32, 1301);
        dir.Write("app.py", $"ACME = \"{key}\"\n");
        var scan = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.Equal(1, scan.ExitCode);
        var finding = Assert.Single(JsonDocument.Parse(scan.Stdout).RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("acme-api-key", finding.GetProperty("ruleId").GetString());

        dir.Write("app.py", "ACME = \"acme_deadbeef0000000000000000000000000\"\n");
        Assert.Equal(0, CliHarness.Run(dir.Path, ["scan"]).ExitCode);
    }

    [Fact]
    public void A_broken_file_is_exit_2()
    {
        using var dir = new TempDir();
        dir.Write("bad.toml", "[[rules]\nid = ");
        Assert.Equal(2, CliHarness.Run(dir.Path, ["rules", "import-gitleaks", "bad.toml"]).ExitCode);
        Assert.Equal(2, CliHarness.Run(dir.Path, ["rules", "import-gitleaks", "missing.toml"]).ExitCode);
    }
}
