using SecretHook.Cli.Tests.Support;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Cli.Tests.Trust;

/// <summary>
/// Issue 8.3: no report in any format contains a full secret unless <c>--no-redact</c> — also the other
/// token on a finding's line, one suppressed inline, by <c>.secrethookignore</c> or by a baseline, and an
/// AWS secret key beside its key-id finding; <see cref="Finding.ToString"/> never holds the secret.
/// </summary>
public sealed class NoSecretInTheClearTests
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static readonly string A = TestSecrets.HuggingFace(811);
    private static readonly string B = TestSecrets.HuggingFace(812);
    private static readonly string C = TestSecrets.HuggingFace(813);
    private static readonly string D = TestSecrets.HuggingFace(814);
    private static readonly string KeyId = "AKIA" + TestSecrets.Draw(Upper, 16, 815);
    private static readonly string AwsSecret = TestSecrets.Draw(B64, 40, 816);

    private static string[] Secrets => [A, B, C, D, KeyId, AwsSecret];

    private static TempDir Tree()
    {
        var dir = new TempDir();
        dir.Write("two.py", $"TOKENS = [\"{A}\", \"{B}\"]\n");
        dir.Write("inline.py", $"x = \"{C}\"; y = \"{D}\"  # secrethook:allow\nz = \"{A}\"\n");
        dir.Write("aws.ini", $"[default]\naws_access_key_id = {KeyId} ; aws_secret_access_key = {AwsSecret}\n");
        return dir;
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    [InlineData("junit")]
    [InlineData("github")]
    public void No_report_format_prints_a_full_secret(string format)
    {
        using var dir = Tree();
        var r = CliHarness.Run(dir.Path, ["scan", "-f", format]);
        Assert.Equal(1, r.ExitCode);
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, r.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, r.Stderr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("text")]
    [InlineData("junit")]
    public void A_line_suppressed_by_the_ignore_file_or_a_baseline_is_still_masked_beside_a_reported_one(string format)
    {
        using var dir = Tree();
        // Suppress B (on the line of A) by its fingerprint, then by a baseline of everything but A.
        string fpB = Fingerprint(dir, B);
        dir.Write(".secrethookignore", fpB + "\n");
        var ignored = CliHarness.Run(dir.Path, ["scan", "two.py", "-f", format]);
        Assert.Equal(1, ignored.ExitCode);
        Assert.DoesNotContain(B, ignored.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(A, ignored.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void No_redact_shows_them_all()
    {
        using var dir = Tree();
        var r = CliHarness.Run(dir.Path, ["scan", "--no-redact"]);
        foreach (var secret in new[] { A, B, KeyId })
        {
            Assert.Contains(secret, r.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Finding_to_string_never_holds_the_secret()
    {
        var f = Assert.Single(new Detector(BuiltInRules.Load()).ScanText($"HF = \"{A}\"", "a.py"));
        Assert.DoesNotContain(A, f.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(A, $"{f}", StringComparison.Ordinal);
        Assert.Contains("huggingface-user-token at a.py:1:7", f.ToString(), StringComparison.Ordinal);
    }

    private static string Fingerprint(TempDir dir, string secret)
    {
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json", "--no-redact"]);
        return System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray()
            .First(f => f.GetProperty("secret").GetString() == secret).GetProperty("fingerprint").GetString()!;
    }
}
