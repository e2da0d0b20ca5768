using System.Text;

namespace SecretHook.Core.Rules;

/// <summary>
/// Expands true-positive templates such as <c>HF_TOKEN=hf_${alpha:34}</c> into concrete strings with a
/// caller-supplied (seeded) random source, so that the repository stores no live-looking secret while
/// tests still see realistic ones. The placeholders are documented in <c>patterns/SCHEMA.md</c>.
/// </summary>
public static class TemplateExpander
{
    private static readonly Dictionary<string, string> Classes = new(StringComparer.Ordinal)
    {
        ["alpha"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        ["upper"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        ["lower"] = "abcdefghijklmnopqrstuvwxyz",
        ["digit"] = "0123456789",
        ["alnum"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        ["hex"] = "0123456789abcdef",
        ["HEX"] = "0123456789ABCDEF",
        ["base64"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        ["base64url"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        ["b32"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        ["word"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_",
        ["bech32"] = "023456789ACDEFGHJKLMNPQRSTUVWXYZ",
    };

    /// <summary>The largest count a placeholder may ask for.</summary>
    public const int MaxCount = 8192;

    /// <summary>Expands every placeholder in <paramref name="template"/> using <paramref name="random"/>.</summary>
    /// <exception cref="FormatException">The template is malformed (see <see cref="Validate"/>).</exception>
    public static string Expand(string template, Random random)
    {
        var sb = new StringBuilder(template.Length + 64);
        int i = 0;
        while (i < template.Length)
        {
            int open = template.IndexOf("${", i, StringComparison.Ordinal);
            if (open < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            sb.Append(template, i, open - i);
            int close = template.IndexOf('}', open + 2);
            if (close < 0)
            {
                throw new FormatException($"unterminated placeholder at offset {open}");
            }
            ExpandPlaceholder(template[(open + 2)..close], random, sb);
            i = close + 1;
        }
        return sb.ToString();
    }

    /// <summary>Returns null when <paramref name="template"/> is well-formed, else what is wrong with it.</summary>
    public static string? Validate(string template)
    {
        try
        {
            Expand(template, new Random(0));
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void ExpandPlaceholder(string body, Random rng, StringBuilder sb)
    {
        int colon = body.IndexOf(':');
        string name = colon < 0 ? body : body[..colon];
        string arg = colon < 0 ? "" : body[(colon + 1)..];
        if (name == "lit")
        {
            sb.Append(arg);
            return;
        }
        if (name == "jwt")
        {
            // A structurally valid HS256 JWT with random claims and a random 32-byte signature.
            string header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
            string payload = $"{{\"sub\":\"{rng.Next(1, 1_000_000)}\",\"name\":\"user{rng.Next(1000)}\",\"iat\":{1_600_000_000 + rng.Next(100_000_000)}}}";
            var signature = new byte[32];
            rng.NextBytes(signature);
            sb.Append(Base64Url(Encoding.UTF8.GetBytes(header))).Append('.')
              .Append(Base64Url(Encoding.UTF8.GetBytes(payload))).Append('.')
              .Append(Base64Url(signature));
            return;
        }
        if (name == "checksummed")
        {
            // N random base62 characters followed by their CRC32 in base62 (GitHub's and npm's format).
            if (!int.TryParse(arg, out int n) || n < 1 || n > MaxCount)
            {
                throw new FormatException($"placeholder '${{{body}}}' needs a count from 1 to {MaxCount}");
            }
            var random = new char[n];
            for (int k = 0; k < n; k++)
            {
                random[k] = Classes["alnum"][rng.Next(62)];
            }
            sb.Append(random).Append(Detection.StructureChecks.Base62Crc32Suffix(random));
            return;
        }
        if (!Classes.TryGetValue(name, out var alphabet))
        {
            throw new FormatException($"unknown placeholder '${{{body}}}'");
        }
        if (!int.TryParse(arg, out int count) || count < 1 || count > MaxCount)
        {
            throw new FormatException($"placeholder '${{{body}}}' needs a count from 1 to {MaxCount}");
        }
        for (int k = 0; k < count; k++)
        {
            sb.Append(alphabet[rng.Next(alphabet.Length)]);
        }
    }
}
