using System.Text.RegularExpressions;

namespace SecretHook.Core.Rules;

/// <summary>
/// Secrets that are known not to be secrets: a secret is allowed when any regex matches it or it
/// contains any stopword (ASCII case-insensitively). Immutable; regexes compile on first use.
/// </summary>
public sealed class Allowlist
{
    private readonly Lazy<Regex[]> _regexes;

    /// <summary>Creates an allowlist from regex sources and stopwords.</summary>
    public Allowlist(IReadOnlyList<string> regexes, IReadOnlyList<string> stopwords)
    {
        RegexSources = regexes;
        Stopwords = stopwords;
        _regexes = new Lazy<Regex[]>(() => [.. regexes.Select(Rule.Compile)], LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>An allowlist that allows nothing.</summary>
    public static Allowlist Empty { get; } = new([], []);

    /// <summary>The regex sources.</summary>
    public IReadOnlyList<string> RegexSources { get; }

    /// <summary>The stopwords.</summary>
    public IReadOnlyList<string> Stopwords { get; }

    /// <summary>Whether the allowlist has no entries.</summary>
    public bool IsEmpty => RegexSources.Count == 0 && Stopwords.Count == 0;

    /// <summary>Whether <paramref name="secret"/> is allowed (not a secret).</summary>
    public bool Allows(string secret)
    {
        foreach (var word in Stopwords)
        {
            if (secret.Contains(word, StringComparison.OrdinalIgnoreCase))
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
            if (regex.IsMatch(secret))
            {
                return true;
            }
        }
        return false;
    }
}
