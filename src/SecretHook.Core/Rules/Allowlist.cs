using System.Text.RegularExpressions;

namespace SecretHook.Core.Rules;

/// <summary>
/// Secrets that are known not to be secrets: a secret is allowed when any regex matches it or it
/// contains any stopword (ASCII case-insensitively). Immutable; regexes compile on first use.
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
        // Indexed: a foreach over the interface would allocate an enumerator per call.
        for (int i = 0; i < Stopwords.Count; i++)
        {
            if (secret.Contains(Stopwords[i], StringComparison.OrdinalIgnoreCase))
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
}
