using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Migration;

/// <summary>The outcome of translating one Go RE2 regex: the .NET pattern, or why there is none.</summary>
internal sealed record Re2Translation(string? Pattern, string? Error, IReadOnlyList<string> Notes)
{
    public bool Success => Pattern is not null;
}

/// <summary>
/// Translates Go's RE2 syntax (what gitleaks compiles) into .NET syntax that
/// <see cref="RegexOptions.NonBacktracking"/> runs with the same meaning, or says why it cannot:
/// <list type="bullet">
/// <item><c>(?P&lt;name&gt;…)</c> becomes <c>(?&lt;name&gt;…)</c>; the secret group (gitleaks' <c>secretGroup</c>
/// number, counted as RE2 counts capturing groups) becomes <c>(?&lt;secret&gt;…)</c>;</item>
/// <item><c>\d \w \s</c> (ASCII-only in RE2, Unicode in .NET) become explicit ASCII classes;
/// <c>[[:alpha:]]</c>-style POSIX classes become ranges; <c>\pL</c> becomes <c>\p{L}</c>;
/// <c>\x{41}</c> becomes <c>\u0041</c>; <c>\Q…\E</c> becomes escaped literals; a literal <c>[</c> inside a
/// class is escaped (in .NET it would start a class subtraction);</item>
/// <item>rejected with a reason: the ungreedy flag <c>(?U)</c>, <c>\C</c>, Unicode script classes
/// (<c>\p{Greek}</c>), code points above U+FFFF, octal escapes, and anything the linear-time engine
/// refuses when the result is compiled.</item>
/// </list>
/// </summary>
internal static class Re2Translator
{
    private const string Digit = "0-9";
    private const string Word = "0-9A-Za-z_";
    private const string Space = @"\t\n\f\r ";

    private static readonly Dictionary<string, string> Posix = new(StringComparer.Ordinal)
    {
        ["alnum"] = "0-9A-Za-z",
        ["alpha"] = "A-Za-z",
        ["ascii"] = @"\x00-\x7F",
        ["blank"] = @"\t ",
        ["cntrl"] = @"\x00-\x1F\x7F",
        ["digit"] = "0-9",
        ["graph"] = @"!-~",
        ["lower"] = "a-z",
        ["print"] = @" -~",
        ["punct"] = @"!-/:-@\[-`{-~",
        ["space"] = @"\t\n\v\f\r ",
        ["upper"] = "A-Z",
        ["word"] = "0-9A-Za-z_",
        ["xdigit"] = "0-9A-Fa-f",
    };

    // Unicode general categories .NET knows by the same names (RE2 also accepts scripts, which .NET does not).
    private static readonly HashSet<string> Categories = new(StringComparer.Ordinal)
    {
        "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps", "Pe",
        "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn",
    };

    /// <summary>
    /// Translates <paramref name="re2"/>. <paramref name="secretGroup"/>: null for none (an allowlist
    /// regex), 0 for "the first capturing group, or the whole match when there is none" (gitleaks'
    /// default), N for the N-th capturing group.
    /// </summary>
    public static Re2Translation Translate(string re2, int? secretGroup)
    {
        var notes = new List<string>();
        var sb = new StringBuilder(re2.Length + 16);
        int groups = 0;
        bool secretWritten = false;
        int wanted = secretGroup is 0 ? 1 : secretGroup ?? -1;
        int i = 0;
        string? error = null;
        string Fail(string message)
        {
            error ??= message;
            return "";
        }
        while (i < re2.Length && error is null)
        {
            char c = re2[i];
            switch (c)
            {
                case '\\':
                    sb.Append(Escape(re2, ref i, inClass: false, Fail));
                    break;
                case '[':
                    sb.Append(CharClass(re2, ref i, Fail));
                    break;
                case '(':
                    if (i + 1 < re2.Length && re2[i + 1] == '?')
                    {
                        int j = i + 2;
                        if (j < re2.Length && (re2[j] == 'P' || re2[j] == '<') && !(re2[j] == '<' && j + 1 < re2.Length && re2[j + 1] is '=' or '!'))
                        {
                            int nameStart = re2[j] == 'P' ? j + 2 : j + 1;
                            if (re2[j] == 'P' && (j + 1 >= re2.Length || re2[j + 1] != '<'))
                            {
                                Fail("'(?P' must be followed by '<name>'");
                                break;
                            }
                            int close = re2.IndexOf('>', nameStart);
                            if (close < 0)
                            {
                                Fail("unterminated group name");
                                break;
                            }
                            string name = re2[nameStart..close];
                            groups++;
                            if (groups == wanted)
                            {
                                sb.Append("(?<").Append(Rule.SecretGroup).Append('>');
                                secretWritten = true;
                            }
                            else
                            {
                                // Other named groups keep capturing under their own name, but never as 'secret'.
                                sb.Append("(?<").Append(name == Rule.SecretGroup ? "gitleaks_secret" : name).Append('>');
                            }
                            i = close + 1;
                            break;
                        }
                        // Flags: (?flags) or (?flags:...).
                        int k = j;
                        while (k < re2.Length && re2[k] is 'i' or 'm' or 's' or 'U' or '-')
                        {
                            k++;
                        }
                        if (k < re2.Length && re2[k] is ')' or ':')
                        {
                            string flags = re2[j..k];
                            if (flags.Contains('U', StringComparison.Ordinal))
                            {
                                Fail("the ungreedy flag (?U) has no .NET equivalent");
                                break;
                            }
                            sb.Append("(?").Append(flags).Append(re2[k]);
                            i = k + 1;
                            break;
                        }
                        Fail($"unsupported group syntax '{re2[i..Math.Min(re2.Length, i + 4)]}' (RE2 has no lookarounds, atomic groups or conditionals)");
                        break;
                    }
                    groups++;
                    if (groups == wanted)
                    {
                        sb.Append("(?<").Append(Rule.SecretGroup).Append('>');
                        secretWritten = true;
                    }
                    else
                    {
                        sb.Append('(');
                    }
                    i++;
                    break;
                default:
                    sb.Append(c);
                    i++;
                    break;
            }
        }
        if (error is not null)
        {
            return new Re2Translation(null, error, notes);
        }
        string pattern = sb.ToString();
        if (secretGroup is { } g && !secretWritten)
        {
            if (g == 0)
            {
                // No capturing group: gitleaks reports the whole match.
                pattern = $"(?<{Rule.SecretGroup}>{pattern})";
            }
            else
            {
                return new Re2Translation(null, $"secretGroup = {g} but the regex has only {groups} capturing group(s)", notes);
            }
        }
        else if (secretGroup is 0 && groups > 1)
        {
            notes.Add("secretGroup is not set and the regex has several capturing groups: gitleaks reports the first non-empty one, the converted rule always reports group 1");
        }
        try
        {
            _ = secretGroup is null ? new Regex(pattern, Rule.Options) : Rule.Compile(pattern);
        }
        catch (NotSupportedException e)
        {
            return new Re2Translation(null, $"not supported by the linear-time engine: {e.Message}", notes);
        }
        catch (ArgumentException e)
        {
            return new Re2Translation(null, $"invalid regex after translation: {e.Message}", notes);
        }
        return new Re2Translation(pattern, null, notes);
    }

    private static string Escape(string re2, ref int i, bool inClass, Func<string, string> fail)
    {
        if (i + 1 >= re2.Length)
        {
            i++;
            return fail("trailing backslash");
        }
        char e = re2[i + 1];
        i += 2;
        switch (e)
        {
            case 'd': return inClass ? Digit : "[" + Digit + "]";
            case 'w': return inClass ? Word : "[" + Word + "]";
            case 's': return inClass ? Space : "[" + Space + "]";
            case 'D': return inClass ? fail(@"\D inside a character class") : "[^" + Digit + "]";
            case 'W': return inClass ? fail(@"\W inside a character class") : "[^" + Word + "]";
            case 'S': return inClass ? fail(@"\S inside a character class") : "[^" + Space + "]";
            case 'C': return fail(@"\C (any byte) has no .NET equivalent");
            case 'Q':
                {
                    int end = re2.IndexOf(@"\E", i, StringComparison.Ordinal);
                    string literal = end < 0 ? re2[i..] : re2[i..end];
                    i = end < 0 ? re2.Length : end + 2;
                    return inClass ? EscapeInClass(literal) : Regex.Escape(literal);
                }
            case 'p':
            case 'P':
                {
                    string name;
                    if (i < re2.Length && re2[i] == '{')
                    {
                        int close = re2.IndexOf('}', i);
                        if (close < 0)
                        {
                            return fail(@"unterminated \p{...}");
                        }
                        name = re2[(i + 1)..close];
                        i = close + 1;
                    }
                    else if (i < re2.Length)
                    {
                        name = re2[i].ToString();
                        i++;
                    }
                    else
                    {
                        return fail(@"incomplete \p");
                    }
                    bool negated = name.StartsWith('^');
                    if (negated)
                    {
                        name = name[1..];
                    }
                    if (!Categories.Contains(name))
                    {
                        return fail($@"Unicode class \p{{{name}}} is a script or unknown category; .NET only knows general categories");
                    }
                    return $@"\{(negated ^ (e == 'P') ? 'P' : 'p')}{{{name}}}";
                }
            case 'x':
                if (i < re2.Length && re2[i] == '{')
                {
                    int close = re2.IndexOf('}', i);
                    if (close < 0 || !int.TryParse(re2.AsSpan(i + 1, close - i - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int cp))
                    {
                        return fail(@"invalid \x{...}");
                    }
                    i = close + 1;
                    return cp <= 0xFFFF ? $@"\u{cp:X4}" : fail($@"code point U+{cp:X} above U+FFFF");
                }
                if (i + 2 <= re2.Length)
                {
                    string hex = re2.Substring(i, 2);
                    i += 2;
                    return @"\x" + hex;
                }
                return fail(@"incomplete \x");
            case >= '0' and <= '9':
                return fail($@"'\{e}' (an octal escape or backreference) is not supported");
            case 'A':
            case 'z':
            case 'b':
            case 'B':
                return inClass ? fail($@"\{e} inside a character class") : @"\" + e;
            case 'a': return @"\a";
            case 'f': return @"\f";
            case 't': return @"\t";
            case 'n': return @"\n";
            case 'r': return @"\r";
            case 'v': return @"\v";
            default:
                if (char.IsAsciiLetterOrDigit(e))
                {
                    return fail($@"unknown escape '\{e}'");
                }
                return @"\" + e;
        }
    }

    private static string EscapeInClass(string literal)
    {
        var sb = new StringBuilder();
        foreach (char c in literal)
        {
            if (c is '\\' or ']' or '[' or '^' or '-')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static string CharClass(string re2, ref int i, Func<string, string> fail)
    {
        var sb = new StringBuilder("[");
        i++;
        if (i < re2.Length && re2[i] == '^')
        {
            sb.Append('^');
            i++;
        }
        bool first = true;
        while (i < re2.Length)
        {
            char c = re2[i];
            if (c == ']' && !first)
            {
                i++;
                return sb.Append(']').ToString();
            }
            first = false;
            if (c == '[' && i + 1 < re2.Length && re2[i + 1] == ':')
            {
                int close = re2.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    return fail("unterminated POSIX class");
                }
                string name = re2[(i + 2)..close];
                if (name.StartsWith('^'))
                {
                    return fail($"negated POSIX class [:{name}:] inside a class");
                }
                if (!Posix.TryGetValue(name, out var ranges))
                {
                    return fail($"unknown POSIX class [:{name}:]");
                }
                sb.Append(ranges);
                i = close + 2;
            }
            else if (c == '\\')
            {
                sb.Append(Escape(re2, ref i, inClass: true, fail));
            }
            else if (c is '[' or ']')
            {
                sb.Append('\\').Append(c); // '[' would start a .NET class subtraction; a leading ']' is a literal in RE2
                i++;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
        return fail("unterminated character class");
    }

    /// <summary>
    /// ASCII literals of at least <paramref name="minLength"/> characters such that every match of
    /// <paramref name="re2"/> contains one of them (compared case-insensitively): the keywords a
    /// prefilter can use. Empty when the regex has no such literal (e.g. it starts with a class on
    /// every branch).
    /// </summary>
    public static List<string> RequiredLiterals(string re2, int minLength)
    {
        try
        {
            var parser = new LiteralParser(re2);
            var set = parser.Alternation();
            if (set.Strings is null || set.Strings.Count == 0 || set.Strings.Exists(s => s.Length < minLength))
            {
                return [];
            }
            return [.. set.Strings.Distinct(StringComparer.OrdinalIgnoreCase)];
        }
        catch (FormatException)
        {
            return [];
        }
    }

    /// <summary>
    /// A set of strings one of which every match contains; <see cref="Exact"/> when the node matches
    /// exactly that one string (so it can be joined to its neighbours).
    /// </summary>
    private readonly record struct LiteralSet(List<string>? Strings, bool Exact)
    {
        public static LiteralSet None => new(null, false);

        public int Score => Strings is null || Strings.Count == 0 ? -1 : Strings.Min(s => s.Length) * 100 - Strings.Count;
    }

    /// <summary>A recursive-descent reader of RE2 syntax that tracks required literals only.</summary>
    private sealed class LiteralParser(string re)
    {
        private const int MaxAlternatives = 16;
        private int _pos;

        public LiteralSet Alternation()
        {
            var branches = new List<LiteralSet> { Concatenation() };
            while (_pos < re.Length && re[_pos] == '|')
            {
                _pos++;
                branches.Add(Concatenation());
            }
            if (branches.Count == 1)
            {
                return branches[0];
            }
            var all = new List<string>();
            foreach (var b in branches)
            {
                if (b.Strings is null || b.Strings.Count == 0)
                {
                    return LiteralSet.None;
                }
                all.AddRange(b.Strings);
            }
            return all.Count <= MaxAlternatives ? new LiteralSet(all, false) : LiteralSet.None;
        }

        private LiteralSet Concatenation()
        {
            var best = LiteralSet.None;
            var run = new StringBuilder();
            bool allExact = true;
            void Consider(LiteralSet s)
            {
                if (s.Score > best.Score)
                {
                    best = s;
                }
            }
            void Flush()
            {
                if (run.Length > 0)
                {
                    Consider(new LiteralSet([run.ToString()], false));
                    run.Clear();
                }
            }
            while (_pos < re.Length && re[_pos] is not ('|' or ')'))
            {
                var (atom, literal) = Atom();
                var (min, max) = Quantifier();
                if (literal is { } ch && min >= 1)
                {
                    run.Append(ch);
                    if (max != 1 || min != 1)
                    {
                        allExact = false;
                        Flush();
                        run.Append(ch);
                    }
                }
                else if (atom.Exact && atom.Strings is [var s] && min == 1 && max == 1)
                {
                    run.Append(s);
                }
                else
                {
                    allExact = false;
                    Flush();
                    if (min >= 1)
                    {
                        Consider(atom);
                    }
                }
            }
            if (allExact && best.Strings is null)
            {
                string whole = run.ToString();
                return new LiteralSet([whole], true);
            }
            Flush();
            return best with { Exact = false };
        }

        private (int Min, int Max) Quantifier()
        {
            if (_pos >= re.Length)
            {
                return (1, 1);
            }
            (int, int) q;
            switch (re[_pos])
            {
                case '*': q = (0, -1); _pos++; break;
                case '+': q = (1, -1); _pos++; break;
                case '?': q = (0, 1); _pos++; break;
                case '{':
                    {
                        int close = re.IndexOf('}', _pos);
                        var body = close < 0 ? null : re[(_pos + 1)..close];
                        var parts = body?.Split(',');
                        if (parts is null || parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int min))
                        {
                            return (1, 1); // a literal '{', read as an atom next
                        }
                        int max = parts.Length == 1 ? min
                            : parts[1].Length == 0 ? -1
                            : int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m) ? m : -1;
                        _pos = close + 1;
                        q = (min, max);
                        break;
                    }
                default:
                    return (1, 1);
            }
            if (_pos < re.Length && re[_pos] == '?')
            {
                _pos++; // lazy
            }
            return q;
        }

        /// <summary>Reads one atom: its literal set and, for a single literal character, that character.</summary>
        private (LiteralSet Set, char? Literal) Atom()
        {
            char c = re[_pos];
            switch (c)
            {
                case '(':
                    {
                        _pos++;
                        if (_pos < re.Length && re[_pos] == '?')
                        {
                            int close = _pos;
                            if (re[_pos + 1] is 'P' or '<')
                            {
                                close = re.IndexOf('>', _pos);
                                _pos = close + 1;
                            }
                            else
                            {
                                while (close < re.Length && re[close] is not (':' or ')'))
                                {
                                    close++;
                                }
                                if (close < re.Length && re[close] == ')')
                                {
                                    _pos = close + 1;
                                    return (LiteralSet.None, null); // a flag group such as (?i) matches nothing
                                }
                                _pos = close + 1;
                            }
                        }
                        var inner = Alternation();
                        if (_pos >= re.Length || re[_pos] != ')')
                        {
                            throw new FormatException("unbalanced parenthesis");
                        }
                        _pos++;
                        return (inner, null);
                    }
                case '[':
                    SkipClass();
                    return (LiteralSet.None, null);
                case '\\':
                    {
                        char e = _pos + 1 < re.Length ? re[_pos + 1] : '\\';
                        if (e == 'Q')
                        {
                            int end = re.IndexOf(@"\E", _pos, StringComparison.Ordinal);
                            string literal = end < 0 ? re[(_pos + 2)..] : re[(_pos + 2)..end];
                            _pos = end < 0 ? re.Length : end + 2;
                            return literal.All(char.IsAscii) && literal.Length > 0 ? (new LiteralSet([literal], true), null) : (LiteralSet.None, null);
                        }
                        _pos += 2;
                        if (e is 'p' or 'P' or 'x')
                        {
                            if (_pos < re.Length && re[_pos] == '{')
                            {
                                _pos = re.IndexOf('}', _pos) + 1;
                            }
                            else
                            {
                                _pos += e == 'x' ? 2 : 1;
                            }
                            return (LiteralSet.None, null);
                        }
                        return !char.IsAsciiLetterOrDigit(e) ? (LiteralSet.None, e) : (LiteralSet.None, null);
                    }
                case '.' or '^' or '$':
                    _pos++;
                    return (LiteralSet.None, null);
                default:
                    _pos++;
                    return c < 128 && !char.IsControl(c) ? (LiteralSet.None, c) : (LiteralSet.None, null);
            }
        }

        private void SkipClass()
        {
            _pos++;
            if (_pos < re.Length && re[_pos] == '^')
            {
                _pos++;
            }
            bool first = true;
            while (_pos < re.Length)
            {
                char c = re[_pos];
                if (c == ']' && !first)
                {
                    _pos++;
                    return;
                }
                first = false;
                if (c == '[' && _pos + 1 < re.Length && re[_pos + 1] == ':')
                {
                    _pos = re.IndexOf(":]", _pos, StringComparison.Ordinal) + 2;
                }
                else
                {
                    _pos += c == '\\' ? 2 : 1;
                }
            }
            throw new FormatException("unterminated class");
        }
    }

    /// <summary>
    /// Globs (relative, forward slashes, as <c>allowlist.paths</c> takes them) that select exactly the
    /// paths <paramref name="re2"/> matches, for the regex shapes gitleaks path allowlists use:
    /// literals (with <c>\.</c>-style escapes), <c>^</c>, <c>$</c>, <c>(?:^|/)</c>, <c>(?:/.*)?$</c>, alternations of
    /// literals and optional characters (<c>jpe?g</c>). Null, with <paramref name="reason"/>, for any
    /// other shape (classes, repetition, case-insensitive flags): globs cannot express those.
    /// </summary>
    public static List<string>? PathGlobs(string re2, out string? reason)
    {
        reason = null;
        List<string> variants;
        try
        {
            variants = new PathParser(re2).Alternatives();
        }
        catch (FormatException e)
        {
            reason = e.Message;
            return null;
        }
        var globs = new List<string>();
        foreach (var v in variants)
        {
            string body = v;
            bool segmentStart = false, start = false, end = false;
            if (body.StartsWith('\u0001'))
            {
                segmentStart = true;
                body = body[1..];
            }
            else if (body.StartsWith('^'))
            {
                start = true;
                body = body[1..];
            }
            bool segmentEnd = false;
            if (body.EndsWith('$'))
            {
                end = true;
                body = body[..^1];
            }
            else if (body.EndsWith('\u0002'))
            {
                segmentEnd = true;
                body = body[..^1];
            }
            if (body.Contains('^') || body.Contains('$') || body.Contains('\u0001') || body.Contains('\u0002'))
            {
                reason = "an anchor in the middle of the path regex";
                return null;
            }
            if (body.Length == 0)
            {
                reason = "the path regex matches every path";
                return null;
            }
            if (body.IndexOfAny(['*', '?', '[', ']', '{', '}', '\\']) >= 0)
            {
                reason = "the path contains a character that globs treat specially";
                return null;
            }
            if (start && body.StartsWith('/'))
            {
                reason = "an absolute path: scanned paths are relative to the repository root";
                return null;
            }
            if (segmentStart && body.StartsWith('/'))
            {
                body = body.TrimStart('/');
            }
            if (segmentEnd)
            {
                string prefix = start ? "" : segmentStart ? "**/" : "**/*";
                globs.Add(prefix + body);
                globs.Add(prefix + body + "/**");
            }
            else if (start && end)
            {
                globs.Add(body);
            }
            else if (start)
            {
                globs.Add(body + "*");
                globs.Add(body + "*/**");
            }
            else if (segmentStart && end)
            {
                globs.Add("**/" + body);
            }
            else if (segmentStart)
            {
                globs.Add("**/" + body + "*");
                globs.Add("**/" + body + "*/**");
            }
            else if (end)
            {
                globs.Add("**/*" + body);
            }
            else
            {
                globs.Add("**/*" + body + "*");
                globs.Add("**/*" + body + "*/**");
            }
        }
        return [.. globs.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Expands a path regex of literals, anchors and simple alternations into its strings ('\u0001' marks "(?:^|/)").</summary>
    private sealed class PathParser(string re)
    {
        private const int MaxVariants = 32;
        private int _pos;

        public List<string> Alternatives()
        {
            var result = Branches();
            if (_pos != re.Length)
            {
                throw new FormatException($"unexpected '{re[_pos]}'");
            }
            return result;
        }

        private List<string> Branches()
        {
            var all = new List<string>();
            all.AddRange(Sequence());
            while (_pos < re.Length && re[_pos] == '|')
            {
                _pos++;
                all.AddRange(Sequence());
            }
            if (all.Count > MaxVariants)
            {
                throw new FormatException("too many alternatives");
            }
            return all;
        }

        private List<string> Sequence()
        {
            var acc = new List<string> { "" };
            while (_pos < re.Length && re[_pos] is not ('|' or ')'))
            {
                List<string> atom;
                char c = re[_pos];
                if (c == '(')
                {
                    if (re.AsSpan(_pos).StartsWith("(?:/.*)?$"))
                    {
                        _pos += 9;
                        atom = ["\u0002"]; // the path ends here or continues below this directory
                    }
                    else if (re.AsSpan(_pos).StartsWith("(?:^|/)") || re.AsSpan(_pos).StartsWith("(^|/)"))
                    {
                        _pos += re[_pos + 1] == '?' ? 7 : 5;
                        atom = ["\u0001"];
                    }
                    else
                    {
                        _pos++;
                        if (_pos < re.Length && re[_pos] == '?')
                        {
                            if (_pos + 1 < re.Length && re[_pos + 1] == ':')
                            {
                                _pos += 2;
                            }
                            else
                            {
                                throw new FormatException("a flag or named group; globs are case-sensitive and cannot express (?i)");
                            }
                        }
                        atom = Branches();
                        if (_pos >= re.Length || re[_pos] != ')')
                        {
                            throw new FormatException("unbalanced parenthesis");
                        }
                        _pos++;
                    }
                }
                else if (c == '\\')
                {
                    if (_pos + 1 >= re.Length || char.IsAsciiLetterOrDigit(re[_pos + 1]))
                    {
                        throw new FormatException($"escape '\\{(_pos + 1 < re.Length ? re[_pos + 1] : ' ')}'");
                    }
                    atom = [re[_pos + 1].ToString()];
                    _pos += 2;
                }
                else if (c is '^' or '$')
                {
                    atom = [c.ToString()];
                    _pos++;
                }
                else if (c is '.' or '[' or '*' or '+' or '?' or '{')
                {
                    throw new FormatException($"'{c}' (a class or repetition)");
                }
                else
                {
                    atom = [c.ToString()];
                    _pos++;
                }
                if (_pos < re.Length && re[_pos] == '?')
                {
                    _pos++;
                    atom = [.. atom, ""];
                }
                else if (_pos < re.Length && re[_pos] is '*' or '+' or '{')
                {
                    throw new FormatException($"'{re[_pos]}' (repetition)");
                }
                var next = new List<string>();
                foreach (var a in acc)
                {
                    foreach (var b in atom)
                    {
                        next.Add(a + b);
                    }
                }
                if (next.Count > MaxVariants)
                {
                    throw new FormatException("too many alternatives");
                }
                acc = next;
            }
            return acc;
        }
    }
}
