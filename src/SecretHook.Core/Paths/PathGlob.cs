using System.Text;
using System.Text.RegularExpressions;

namespace SecretHook.Core.Paths;

/// <summary>
/// A path pattern with <c>.gitignore</c> semantics, matched against canonical paths (relative, <c>/</c>
/// separators): a pattern without a <c>/</c> (other than a trailing one) matches a name at any depth
/// (<c>*.py</c> matches <c>a/b/c.py</c>); a pattern with one is anchored at the root (<c>docs/*.md</c>,
/// <c>/build</c>); a pattern that matches a directory matches everything below it; <c>*</c> and
/// <c>?</c> never cross a <c>/</c>, <c>**</c> does (<c>**/testdata/**</c>, <c>src/**/*.ts</c>);
/// <c>[abc]</c>, <c>[a-z]</c> and <c>[!abc]</c> are character classes; <c>\</c> escapes the next
/// character. Immutable; <see cref="TryParse"/> rejects malformed patterns (an unclosed <c>[</c>, a
/// trailing <c>\</c>, an empty pattern) with a reason.
/// </summary>
public sealed class PathGlob
{
    private readonly Regex _regex;

    private PathGlob(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>Whether <paramref name="path"/> (relative, <c>/</c> separators) or one of its parent directories matches.</summary>
    public bool IsMatch(string path) => _regex.IsMatch(path);

    /// <inheritdoc />
    public override string ToString() => Pattern;

    /// <summary>Parses <paramref name="pattern"/>; null and a reason when it is malformed.</summary>
    public static PathGlob? TryParse(string pattern, out string? error)
    {
        error = null;
        string p = pattern;
        if (p.Length == 0 || p == "/")
        {
            error = "empty pattern";
            return null;
        }
        if (p.StartsWith("./", StringComparison.Ordinal))
        {
            p = p[2..];
        }
        bool anchored = p.StartsWith('/');
        if (anchored)
        {
            p = p[1..];
        }
        while (p.EndsWith('/') && !p.EndsWith("\\/", StringComparison.Ordinal))
        {
            p = p[..^1]; // "dir/": the directory, so everything below it
        }
        anchored |= p.Contains('/');
        var sb = new StringBuilder(anchored ? "^" : "^(?:.*/)?");
        int i = 0;
        while (i < p.Length)
        {
            char c = p[i];
            if (c == '*')
            {
                int run = 1;
                while (i + run < p.Length && p[i + run] == '*')
                {
                    run++;
                }
                bool atStart = i == 0 || p[i - 1] == '/';
                bool atEnd = i + run == p.Length || p[i + run] == '/';
                if (run >= 2 && atStart && atEnd)
                {
                    if (i + run == p.Length)
                    {
                        sb.Append(".*"); // "x/**": everything below x
                        i += run;
                    }
                    else
                    {
                        sb.Append("(?:.*/)?"); // "**/" or "/**/": zero or more directories
                        i += run + 1;
                    }
                    continue;
                }
                sb.Append("[^/]*");
                i += run;
                continue;
            }
            if (c == '?')
            {
                sb.Append("[^/]");
                i++;
                continue;
            }
            if (c == '\\')
            {
                if (i + 1 >= p.Length)
                {
                    error = "a pattern cannot end with '\\'";
                    return null;
                }
                sb.Append(Regex.Escape(p[i + 1].ToString()));
                i += 2;
                continue;
            }
            if (c == '[')
            {
                int close = ClassEnd(p, i);
                if (close < 0)
                {
                    error = $"unclosed '[' at position {i + 1}";
                    return null;
                }
                sb.Append(ClassRegex(p.AsSpan(i + 1, close - i - 1)));
                i = close + 1;
                continue;
            }
            sb.Append(Regex.Escape(c.ToString()));
            i++;
        }
        sb.Append("(?:/.*)?$");
        try
        {
            var regex = new Regex(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
            return new PathGlob(pattern, regex);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>The index of the <c>]</c> closing the class that opens at <paramref name="open"/>, or -1.</summary>
    private static int ClassEnd(string p, int open)
    {
        int j = open + 1;
        if (j < p.Length && p[j] is '!' or '^')
        {
            j++;
        }
        if (j < p.Length && p[j] == ']')
        {
            j++; // a ']' first in the class is literal
        }
        for (; j < p.Length; j++)
        {
            if (p[j] == '\\')
            {
                j++;
            }
            else if (p[j] == ']')
            {
                return j;
            }
        }
        return -1;
    }

    private static string ClassRegex(ReadOnlySpan<char> body)
    {
        var sb = new StringBuilder("[");
        int k = 0;
        if (k < body.Length && body[k] is '!' or '^')
        {
            sb.Append('^');
            k++;
        }
        for (; k < body.Length; k++)
        {
            char ch = body[k];
            if (ch == '\\' && k + 1 < body.Length)
            {
                ch = body[++k];
                sb.Append('\\').Append(ch);
            }
            else if (ch == '-' && k > 0 && k + 1 < body.Length)
            {
                sb.Append('-');
            }
            else if (ch is '[' or ']' or '\\' or '^' or '-')
            {
                sb.Append('\\').Append(ch);
            }
            else
            {
                sb.Append(ch);
            }
        }
        sb.Append(']');
        // A class never matches the separator, as in git's wildmatch.
        return "(?!/)" + sb;
    }
}
