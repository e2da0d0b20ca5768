using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace SecretHook.Core.Detection;

/// <summary>
/// A structural test a rule can apply to its secret to raise confidence: the check a provider built
/// into its format. A failed check does not drop the finding (a hand-made or truncated token in a
/// test can still be someone's secret): the finding says the structure did not check out.
/// </summary>
public enum StructureCheck
{
    /// <summary>No check.</summary>
    None,

    /// <summary>GitHub/npm tokens: the last 6 characters are the base62 CRC32 of the 30 before them.</summary>
    Base62Crc32,

    /// <summary>A JWT: header and payload are base64url-encoded JSON objects, the header names an <c>alg</c>.</summary>
    Jwt,

    /// <summary>A PEM body: base64 (line breaks and escaped <c>\n</c> allowed) decoding to at least 32 bytes.</summary>
    PemBase64,
}

/// <summary>Whether a finding's structure was checked, and the result.</summary>
public enum StructureVerdict
{
    /// <summary>The rule has no structure check.</summary>
    NotChecked,

    /// <summary>The structure checked out: very likely a real credential.</summary>
    Valid,

    /// <summary>The structure did not check out: likely a sample, a truncated or a made-up value.</summary>
    Invalid,
}

/// <summary>The structure checks, by name (<c>base62-crc32</c>, <c>jwt</c>, <c>pem-base64</c>).</summary>
public static class StructureChecks
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The YAML names of the checks.</summary>
    public static IReadOnlyDictionary<string, StructureCheck> ByName { get; } = new Dictionary<string, StructureCheck>(StringComparer.Ordinal)
    {
        ["base62-crc32"] = StructureCheck.Base62Crc32,
        ["jwt"] = StructureCheck.Jwt,
        ["pem-base64"] = StructureCheck.PemBase64,
    };

    /// <summary>The YAML name of <paramref name="check"/>.</summary>
    public static string Name(StructureCheck check) => ByName.First(kv => kv.Value == check).Key;

    /// <summary>Applies <paramref name="check"/> to <paramref name="secret"/>.</summary>
    public static StructureVerdict Apply(StructureCheck check, string secret) => check switch
    {
        StructureCheck.None => StructureVerdict.NotChecked,
        StructureCheck.Base62Crc32 => Verdict(HasBase62Crc32(secret)),
        StructureCheck.Jwt => Verdict(IsJwt(secret)),
        StructureCheck.PemBase64 => Verdict(IsPemBody(secret)),
        _ => StructureVerdict.NotChecked,
    };

    private static StructureVerdict Verdict(bool ok) => ok ? StructureVerdict.Valid : StructureVerdict.Invalid;

    /// <summary>
    /// GitHub's 2021 token format (also npm's): <c>prefix_</c>, 30 random base62 characters, then the
    /// CRC32 of those 30 characters in base62, left-padded to 6.
    /// </summary>
    internal static bool HasBase62Crc32(string token)
    {
        int underscore = token.LastIndexOf('_');
        var body = token.AsSpan(underscore + 1);
        if (body.Length != 36)
        {
            return false;
        }
        return Base62Encode(Crc32(body[..30]), 6).AsSpan().SequenceEqual(body[30..]);
    }

    /// <summary>The base62 CRC32 suffix for <paramref name="random"/> (used by the template expander too).</summary>
    public static string Base62Crc32Suffix(ReadOnlySpan<char> random) => Base62Encode(Crc32(random), 6);

    private static string Base62Encode(uint value, int width)
    {
        Span<char> digits = stackalloc char[width];
        for (int i = width - 1; i >= 0; i--)
        {
            digits[i] = Base62[(int)(value % 62)];
            value /= 62;
        }
        return new string(digits);
    }

    private static uint Crc32(ReadOnlySpan<char> ascii)
    {
        uint crc = 0xFFFFFFFF;
        foreach (char c in ascii)
        {
            crc ^= (byte)c;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }
        return ~crc;
    }

    internal static bool IsJwt(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[2].Length == 0)
        {
            return false;
        }
        return TryJsonObject(parts[0], out var header) && header.TryGetProperty("alg", out _)
            && TryJsonObject(parts[1], out _);
    }

    private static bool TryJsonObject(string base64Url, out JsonElement element)
    {
        element = default;
        var bytes = new byte[Base64Url.GetMaxDecodedLength(base64Url.Length)];
        if (Base64Url.DecodeFromChars(base64Url, bytes, out _, out int written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes.AsMemory(0, written));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            element = doc.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static bool IsPemBody(string body)
    {
        var sb = new StringBuilder(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c == '\\' && i + 1 < body.Length && body[i + 1] is 'n' or 'r')
            {
                i++;
                continue;
            }
            if (!char.IsWhiteSpace(c))
            {
                sb.Append(c);
            }
        }
        var decoded = new byte[sb.Length];
        return Convert.TryFromBase64String(sb.ToString(), decoded, out int written) && written >= 32;
    }
}
