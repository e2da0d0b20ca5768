using System.Text.Json;
using NJsonSchema;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Reports;

/// <summary>
/// The SARIF report validates against the official SARIF 2.1.0 JSON schema, a copy of which ships with
/// these tests (<c>Reports/sarif-schema-2.1.0.json</c>, copied to the output folder), and passes the
/// SARIF Multitool's GitHub code-scanning rules (see <see cref="SarifMultitool"/>).
/// </summary>
public sealed class SarifSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "sarif-schema-2.1.0.json")).GetAwaiter().GetResult());

    private static void AssertValid(string sarif)
    {
        var errors = Schema.Value.Validate(sarif);
        Assert.True(errors.Count == 0, "SARIF schema violations:\n" + string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public void Findings_in_awkward_paths_validate()
    {
        using var dir = new TempDir();
        dir.Write("src/app.py", $"x = 1\nHF = \"{TestSecrets.HuggingFace(1)}\"\n");
        dir.Write("dir with space/ünï 日本.env", $"HF={TestSecrets.HuggingFace(2)}\n");
        dir.Write("100%#odd?.txt", $"a {TestSecrets.HuggingFace(3)} b {TestSecrets.HuggingFace(4)}\n");
        dir.Write("nb.ipynb", $"    \"login(token=\\\"api_org_{TestSecrets.Draw("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 34, 5)}\\\")\\n\",\n");
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "sarif"]);
        Assert.Equal(1, r.ExitCode);
        AssertValid(r.Stdout);
        Assert.Empty(SarifMultitool.Validate(r.Stdout));
        var results = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("runs")[0].GetProperty("results");
        Assert.Equal(5, results.GetArrayLength());
        var uris = results.EnumerateArray()
            .Select(x => x.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString())
            .ToList();
        Assert.Contains("dir%20with%20space/%C3%BCn%C3%AF%20%E6%97%A5%E6%9C%AC.env", uris);
        Assert.Contains("100%25%23odd%3F.txt", uris);
        Assert.All(uris, u => Assert.True(Uri.IsWellFormedUriString(u, UriKind.Relative), u));
    }

    [Fact]
    public void A_clean_scan_and_an_unredacted_one_validate()
    {
        using var dir = new TempDir();
        dir.Write("ok.txt", "nothing\n");
        var clean = CliHarness.Run(dir.Path, ["scan", "-f", "sarif"]);
        Assert.Equal(0, clean.ExitCode);
        AssertValid(clean.Stdout);
        Assert.Empty(SarifMultitool.Validate(clean.Stdout));
        dir.Write("bad.txt", $"t={TestSecrets.HuggingFace(7)}\n");
        var plain = CliHarness.Run(dir.Path, ["scan", "-f", "sarif", "--no-redact"]);
        AssertValid(plain.Stdout);
        Assert.Contains(TestSecrets.HuggingFace(7), plain.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_is_not_vacuous()
    {
        using var dir = new TempDir();
        dir.Write("bad.txt", $"t={TestSecrets.HuggingFace(8)}\n");
        string sarif = CliHarness.Run(dir.Path, ["scan", "-f", "sarif"]).Stdout;
        Assert.NotEmpty(Schema.Value.Validate(sarif.Replace("\"level\": \"error\"", "\"level\": \"fatal\"", StringComparison.Ordinal)));
        Assert.NotEmpty(Schema.Value.Validate(sarif.Replace("\"startLine\": 1", "\"startLine\": 0", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_multitool_check_is_not_vacuous()
    {
        using var dir = new TempDir();
        dir.Write("bad.txt", $"t={TestSecrets.HuggingFace(9)}\n");
        string sarif = CliHarness.Run(dir.Path, ["scan", "-f", "sarif"]).Stdout;
        // GitHub's rules want a tool information URI and rule help; take them away and it must object.
        var broken = System.Text.RegularExpressions.Regex.Replace(sarif, "\"informationUri\": \"[^\"]*\",", "");
        Assert.NotEqual(sarif, broken);
        Assert.NotEmpty(SarifMultitool.Validate(broken));
    }
}
