using System.Text.RegularExpressions;

namespace SecretHook.Core.Rules;

/// <summary>
/// Secrets that are known not to be secrets: a secret is allowed when any regex matches it or it
/// contains any stopword (ASCII case-insensitively), as written or, when it is base64 of text, once
/// decoded (<c>bm90IG15IHJlYWwgcGFzc3dvcmQ=</c> is "not my real password"). Immutable; regexes
/// compile on first use.
/// </summary>
public sealed class Allowlist
{
    private readonly Lazy<Regex[]> _regexes;
    private readonly bool[] _vetted;

    /// <summary>Creates an allowlist from regex sources and stopwords.</summary>
    /// <param name="regexes">Regex sources, matched against the secret.</param>
    /// <param name="stopwords">Case-insensitive substrings of the secret.</param>
    /// <param name="vetted">Built-in entries run on the backtracking interpreter (cheap to build; see
    /// <see cref="Rule.Vetted"/>); user entries on the linear-time engine.</param>
    public Allowlist(IReadOnlyList<string> regexes, IReadOnlyList<string> stopwords, bool vetted = false)
        : this(regexes, [.. regexes.Select(_ => vetted)], stopwords)
    {
    }

    private Allowlist(IReadOnlyList<string> regexes, bool[] vetted, IReadOnlyList<string> stopwords)
    {
        RegexSources = regexes;
        Stopwords = stopwords;
        _vetted = vetted;
        Vetted = vetted.All(v => v);
        _regexes = new Lazy<Regex[]>(
            () => [.. regexes.Select((r, i) => _vetted[i] ? Rule.CompileVetted(r) : Rule.Compile(r))],
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>One allowlist holding every entry of <paramref name="parts"/>, each keeping its engine.</summary>
    public static Allowlist Combine(IEnumerable<Allowlist> parts)
    {
        var list = parts.ToList();
        return new Allowlist(
            [.. list.SelectMany(a => a.RegexSources)],
            [.. list.SelectMany(a => a._vetted)],
            [.. list.SelectMany(a => a.Stopwords)]);
    }

    /// <summary>Whether the entries ship with the tool (see <see cref="Rule.Vetted"/>).</summary>
    public bool Vetted { get; }

    /// <summary>An allowlist that allows nothing.</summary>
    public static Allowlist Empty { get; } = new([], []);

    /// <summary>The regex sources.</summary>
    public IReadOnlyList<string> RegexSources { get; }

    /// <summary>The stopwords.</summary>
    public IReadOnlyList<string> Stopwords { get; }

    /// <summary>Whether the allowlist has no entries.</summary>
    public bool IsEmpty => RegexSources.Count == 0 && Stopwords.Count == 0;

    /// <summary>Whether <paramref name="secret"/> is allowed (not a secret).</summary>
    public bool Allows(string secret) => Allows(secret.AsSpan());

    /// <summary>Whether <paramref name="secret"/> is allowed (not a secret); allocates nothing once the regexes are built.</summary>
    public bool Allows(ReadOnlySpan<char> secret)
    {
        if (HasStopword(secret))
        {
            return true;
        }
        if (Stopwords.Count > 0 && secret.Length is >= MinDecodedSecret and <= MaxDecodedSecret)
        {
            // A real key is random bytes, which base64 of text never is: text decoded from the value
            // was written by someone, and a stopword in it means what it means in plain text.
            Span<char> text = stackalloc char[MaxDecodedSecret];
            int length = DecodeBase64Text(secret, text);
            if (length > 0 && HasStopword(text[..length]))
            {
                return true;
            }
        }
        if (RegexSources.Count == 0)
        {
            return false;
        }
        foreach (var regex in _regexes.Value)
        {
            try
            {
                if (regex.IsMatch(secret))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                if (Rule.Compile(regex.ToString()).IsMatch(secret))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>The longest secret whose base64 decoding is searched for stopwords.</summary>
    internal const int MaxDecodedSecret = 512;

    /// <summary>The fewest characters a secret needs for its base64 decoding to be searched (12 bytes of text).</summary>
    internal const int MinDecodedSecret = 16;

    private bool HasStopword(ReadOnlySpan<char> text)
    {
        // Indexed: a foreach over the interface would allocate an enumerator per call.
        for (int i = 0; i < Stopwords.Count; i++)
        {
            if (text.Contains(Stopwords[i], StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Decodes <paramref name="secret"/> as base64 (standard or URL-safe alphabet, padding optional)
    /// into <paramref name="text"/> and returns how many characters it wrote, when the secret is
    /// <see cref="MinDecodedSecret"/> to <see cref="MaxDecodedSecret"/> characters of one alphabet
    /// (padded right or not at all) and the bytes are all printable ASCII, tab, CR or LF; else 0.
    /// </summary>
    internal static int DecodeBase64Text(ReadOnlySpan<char> secret, Span<char> text)
    {
        var body = secret.TrimEnd('=');
        int padding = secret.Length - body.Length;
        // No padding, or exactly what the last group needs.
        if (secret.Length < MinDecodedSecret || secret.Length > MaxDecodedSecret || body.Length % 4 == 1
            || (padding != 0 && padding != (4 - (body.Length % 4)) % 4))
        {
            return 0;
        }
        Span<char> normal = stackalloc char[MaxDecodedSecret + 3];
        bool standard = false, urlSafe = false;
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c is '+' or '/')
            {
                standard = true;
            }
            else if (c is '-' or '_')
            {
                urlSafe = true;
                c = c == '-' ? '+' : '/';
            }
            else if (!char.IsAsciiLetterOrDigit(c))
            {
                return 0;
            }
            normal[i] = c;
        }
        if (standard && urlSafe)
        {
            return 0;
        }
        int padded = (body.Length + 3) / 4 * 4;
        normal[body.Length..padded].Fill('=');
        Span<byte> bytes = stackalloc byte[MaxDecodedSecret];
        if (!Convert.TryFromBase64Chars(normal[..padded], bytes, out int written) || written == 0)
        {
            return 0;
        }
        for (int i = 0; i < written; i++)
        {
            byte b = bytes[i];
            if (b is not ((>= 0x20 and < 0x7F) or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return 0;
            }
            text[i] = (char)b;
        }
        return written;
    }
}
