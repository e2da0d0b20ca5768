using System.Text;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Detection;

public sealed class StructureCheckTests
{
    private static string B64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void Base62_crc32_accepts_a_generated_token_and_rejects_any_changed_character()
    {
        string token = "ghp_" + TemplateExpander.Expand("${checksummed:30}", new Random(3));
        Assert.Equal(StructureVerdict.Valid, StructureChecks.Apply(StructureCheck.Base62Crc32, token));
        for (int i = 4; i < token.Length; i++)
        {
            var chars = token.ToCharArray();
            chars[i] = chars[i] == 'a' ? 'b' : 'a';
            Assert.Equal(StructureVerdict.Invalid, StructureChecks.Apply(StructureCheck.Base62Crc32, new string(chars)));
        }
        Assert.Equal(StructureVerdict.Invalid, StructureChecks.Apply(StructureCheck.Base62Crc32, "ghp_" + new string('a', 36)));
    }

    [Fact]
    public void Base62_crc32_matches_zlib_crc32()
    {
        // CRC32("123456789") is the standard check value 0xCBF43926; base62 with 0-9A-Za-z digits.
        uint v = 0xCBF43926;
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var digits = new char[6];
        for (int i = 5; i >= 0; i--)
        {
            digits[i] = alphabet[(int)(v % 62)];
            v /= 62;
        }
        Assert.Equal(new string(digits), StructureChecks.Base62Crc32Suffix("123456789"));
    }

    [Fact]
    public void Jwt_needs_json_header_with_alg_and_json_payload()
    {
        string header = B64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        string payload = B64Url("{\"sub\":\"42\",\"iat\":1700000000}");
        Assert.Equal(StructureVerdict.Valid, StructureChecks.Apply(StructureCheck.Jwt, $"{header}.{payload}.c2lnbmF0dXJlLWJ5dGVz"));
        Assert.Equal(StructureVerdict.Invalid, StructureChecks.Apply(StructureCheck.Jwt, $"{B64Url("{\"typ\":\"JWT\"}")}.{payload}.sig"));
        Assert.Equal(StructureVerdict.Invalid, StructureChecks.Apply(StructureCheck.Jwt, $"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJub3QganNvbg.sig"));
        Assert.Equal(StructureVerdict.Invalid, StructureChecks.Apply(StructureCheck.Jwt, $"{header}.{payload}"));
    }

    [Fact]
    public void Jwt_template_expands_to_a_valid_jwt() =>
        Assert.Equal(StructureVerdict.Valid, StructureChecks.Apply(StructureCheck.Jwt, TemplateExpander.Expand("${jwt}", new Random(4))));

    [Fact]
    public void Pem_body_must_be_base64_of_some_length()
    {
        string body = string.Join("\n", Enumerable.Range(0, 4).Select(i => TemplateExpander.Expand("${base64:64}", new Random(i))));
        Assert.Equal(StructureVerdict.Valid, StructureChecks.Apply(StructureCheck.PemBase64, body));
        Assert.Equal(StructureVerdict.Valid, StructureChecks.Apply(StructureCheck.PemBase64, body.Replace("\n", "\\n", StringComparison.Ordinal)));
        Assert.Equal(StructureVerdict.Invalid, StructureChecks.Apply(StructureCheck.PemBase64, body[..70] + "!" + body[71..]));
        Assert.Equal(StructureVerdict.Invalid, StructureChecks.Apply(StructureCheck.PemBase64, "QUJD"));
    }

    [Fact]
    public void Findings_carry_the_verdict()
    {
        var detector = new Detector(BuiltInRules.Load());
        string valid = "ghp_" + TemplateExpander.Expand("${checksummed:30}", new Random(9));
        string invalid = "ghp_" + TemplateExpander.Expand("${alnum:36}", new Random(9));
        Assert.Equal(StructureVerdict.Valid, Assert.Single(detector.ScanText($"t={valid}")).Structure);
        Assert.Equal(StructureVerdict.Invalid, Assert.Single(detector.ScanText($"t={invalid}")).Structure);
        Assert.Equal(StructureVerdict.NotChecked, Assert.Single(detector.ScanText("t=" + TemplateExpander.Expand("hf_${alpha:34}", new Random(1)))).Structure);
    }
}
