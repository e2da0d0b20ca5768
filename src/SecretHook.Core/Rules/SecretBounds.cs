namespace SecretHook.Core.Rules;

/// <summary>
/// Two patterns derived from a rule pattern that find where its <c>secret</c> group starts and ends
/// from match spans alone, so a match whose secret the entropy test or an allowlist rejects costs no
/// allocating <see cref="System.Text.RegularExpressions.Match"/>. Matched at a match's start (they begin
/// with <c>\G</c>), <see cref="Start"/> ends where the secret starts and <see cref="End"/> where it ends.
/// </summary>
/// <remarks>
/// The rest of the pattern after the secret group moves into a lookahead: for <c>A(?&lt;secret&gt;B)C</c>,
/// Start is <c>\GA(?=(?&lt;secret&gt;B)C)</c> and End is <c>\GA(?&lt;secret&gt;B)(?=C)</c>. A backtracking
/// engine tries the paths through <c>A</c> (and then <c>B</c>) in the same order for both as for the
/// pattern, and the first one for which the lookahead holds is the first one for which the whole
/// pattern matches, so the spans are exactly the group's. A non-capturing group that holds the secret
/// takes the rest into each of its branches (<c>(?:A1(?&lt;secret&gt;B1)|A2(?&lt;secret&gt;B2))C</c>); a branch
/// without the secret is kept whole in both patterns, so the secret they give is empty, as the group
/// is then absent. Derived only where that argument holds: no secret group under a quantifier, a
/// lookaround, an atomic or an option-scoped group, at most one per sequence, no inline option
/// (<c>(?i)</c>) in moved text or in a group that receives it, and none of <c>\G</c>, numbered
/// backreferences or conditionals, balancing groups, comments, or the <c>x</c> and <c>n</c> options;
/// elsewhere <see cref="Derive"/> returns null.
/// </remarks>
/// <param name="Start">Matched at a match's start, ends where the secret starts.</param>
/// <param name="End">Matched at a match's start, ends where the secret ends.</param>
public sealed record SecretBounds(string Start, string End)
{
    /// <summary>The two patterns for <paramref name="pattern"/>, or null when it is not of a shape they are exact for.</summary>
    public static SecretBounds? Derive(string pattern)
    {
        List<List<Item>> top;
        try
        {
            int i = 0;
            top = ParseAlternatives(pattern, ref i);
            if (i != pattern.Length)
            {
                return null;
            }
        }
        catch (FormatException)
        {
            return null;
        }
        if (!top.Any(b => b.Any(x => x.HoldsSecret)))
        {
            return null;
        }
        var start = Rewrite(top, "", nested: false, toEnd: false);
        var end = Rewrite(top, "", nested: false, toEnd: true);
        return start is null || end is null ? null : new SecretBounds(@"\G(?:" + start + ")", @"\G(?:" + end + ")");
    }

    /// <summary>One element of a sequence: its text (with any quantifier), and for a group its opener and branches.</summary>
    private sealed record Item(string Text, string? Opener = null, List<List<Item>>? Branches = null, bool Quantified = false, bool InlineOption = false)
    {
        public bool IsSecret => Opener is "(?<secret>" or "(?'secret'";

        public bool HoldsSecret => IsSecret || (Branches?.Any(b => b.Any(x => x.HoldsSecret)) ?? false);
    }

    /// <summary>Every branch rewritten with <paramref name="rest"/> (the text after the group) moved in, or null.</summary>
    private static string? Rewrite(List<List<Item>> branches, string rest, bool nested, bool toEnd)
    {
        var parts = new List<string>();
        foreach (var seq in branches)
        {
            var holders = seq.Where(x => x.HoldsSecret).ToList();
            // Moving text into a group that has an inline option would put the text under it.
            if (holders.Count > 1 || (nested && rest.Length > 0 && seq.Any(x => x.InlineOption)))
            {
                return null;
            }
            if (holders.Count == 0)
            {
                // A branch without the secret (one that matches text to pass over): both patterns
                // match all of it, so the secret they give is empty, as the group is absent.
                parts.Add(string.Concat(seq.Select(x => x.Text)) + rest);
                continue;
            }
            int k = seq.IndexOf(holders[0]);
            var item = seq[k];
            if (seq.Skip(k + 1).Any(x => x.InlineOption))
            {
                // It would move into a lookahead and stop reaching the branches after this one.
                return null;
            }
            string before = string.Concat(seq.Take(k).Select(x => x.Text));
            string after = string.Concat(seq.Skip(k + 1).Select(x => x.Text)) + rest;
            if (item.Quantified)
            {
                return null;
            }
            if (item.IsSecret)
            {
                parts.Add(toEnd ? before + item.Text + "(?=" + after + ")" : before + "(?=" + item.Text + after + ")");
            }
            else if (item.Opener is "(?:" or "(")
            {
                var inner = Rewrite(item.Branches!, after, nested: true, toEnd);
                if (inner is null)
                {
                    return null;
                }
                parts.Add(before + "(?:" + inner + ")");
            }
            else
            {
                return null;
            }
        }
        return string.Join("|", parts);
    }

    private static List<List<Item>> ParseAlternatives(string p, ref int i)
    {
        var branches = new List<List<Item>> { new() };
        while (i < p.Length && p[i] != ')')
        {
            if (p[i] == '|')
            {
                branches.Add([]);
                i++;
                continue;
            }
            branches[^1].Add(ParseItem(p, ref i));
        }
        return branches;
    }

    private static Item ParseItem(string p, ref int i)
    {
        int from = i;
        string? opener = null;
        List<List<Item>>? branches = null;
        bool inlineOption = false;
        switch (p[i])
        {
            case '\\':
                // \G holds at a derived pattern's own start (a match's start, not the search's), and a
                // numbered backreference may name another group once text moves: neither is read.
                if (i + 1 >= p.Length || p[i + 1] is 'G' or (>= '1' and <= '9')
                    || (p[i + 1] == 'k' && i + 3 < p.Length && p[i + 2] is '<' or '\'' && char.IsAsciiDigit(p[i + 3])))
                {
                    throw new FormatException();
                }
                i += 2;
                break;
            case '[':
                i = ClassEnd(p, i);
                break;
            case '(':
                opener = Opener(p, i);
                i += opener.Length;
                if (opener.EndsWith(')'))
                {
                    // An inline option: no branches.
                    inlineOption = true;
                    opener = null;
                    break;
                }
                branches = ParseAlternatives(p, ref i);
                if (i >= p.Length)
                {
                    throw new FormatException();
                }
                i++;
                break;
            default:
                i++;
                break;
        }
        int body = i;
        i = QuantifierEnd(p, i);
        return new Item(p[from..i], opener, branches, Quantified: i > body, InlineOption: inlineOption);
    }

    /// <summary>The text that opens the group at <paramref name="i"/>: <c>(</c>, <c>(?:</c>, <c>(?&lt;name&gt;</c>, <c>(?i:</c>, or a whole <c>(?i)</c> (a comment and a few other openers throw <see cref="FormatException"/>: not read).</summary>
    private static string Opener(string p, int i)
    {
        if (i + 1 >= p.Length || p[i + 1] != '?')
        {
            return "(";
        }
        if (i + 2 >= p.Length)
        {
            throw new FormatException();
        }
        char c = p[i + 2];
        switch (c)
        {
            case ':' or '=' or '!' or '>':
                return p.Substring(i, 3);
            case '#':
                // .NET skips a comment before reading a quantifier, so "x(?#c)+" repeats x: not read.
                throw new FormatException();
            case '<' when i + 3 < p.Length && p[i + 3] is '=' or '!':
                return p.Substring(i, 4);
            case '<' or '\'':
                int nameEnd = p.IndexOf(c == '<' ? '>' : '\'', i + 3);
                // A balancing group (?<a-b>) captures into a, which may be the secret: not read.
                return nameEnd < 0 || p.AsSpan(i + 3, nameEnd - i - 3).Contains('-') ? throw new FormatException() : p[i..(nameEnd + 1)];
            case '(':
                // A conditional: its test is a group of its own, which the caller parses as a branch;
                // one on a group number may name another group once text moves.
                return i + 3 < p.Length && char.IsAsciiDigit(p[i + 3]) ? throw new FormatException() : "(?";
            default:
                // Options: (?imsnx-imsnx) or (?imsnx-imsnx:
                int j = i + 2;
                while (j < p.Length && p[j] is 'i' or 'm' or 's' or 'n' or 'x' or '-')
                {
                    j++;
                }
                if (j >= p.Length || p[j] is not (')' or ':') || p.AsSpan(i + 2, j - i - 2).ContainsAny('x', 'n'))
                {
                    // x (ignore pattern whitespace) changes what the text means, and -n makes plain
                    // groups capture (their numbers would move): not read.
                    throw new FormatException();
                }
                return p[i..(j + 1)];
        }
    }

    /// <summary>The index just past the character class that opens at <paramref name="i"/> (with .NET's <c>-[…]</c> subtraction).</summary>
    private static int ClassEnd(string p, int i)
    {
        int j = i + 1;
        if (j < p.Length && p[j] == '^')
        {
            j++;
        }
        int first = j;
        if (j < p.Length && p[j] == ']')
        {
            j++;
        }
        // Whether the last character read was a '-' that can start a subtraction (unescaped, not first).
        bool dash = false;
        while (j < p.Length)
        {
            char c = p[j];
            if (c == '[' && dash)
            {
                j = ClassEnd(p, j);
                dash = false;
                continue;
            }
            if (c == ']')
            {
                return j + 1;
            }
            dash = c == '-' && j > first;
            j += c == '\\' ? 2 : 1;
        }
        throw new FormatException();
    }

    /// <summary>The index past a quantifier (<c>*</c>, <c>+</c>, <c>?</c>, <c>{n}</c>, <c>{n,}</c>, <c>{n,m}</c>, each maybe lazy) at <paramref name="i"/>, or <paramref name="i"/>.</summary>
    private static int QuantifierEnd(string p, int i)
    {
        if (i >= p.Length)
        {
            return i;
        }
        int j = i;
        if (p[j] is '*' or '+' or '?')
        {
            j++;
        }
        else if (p[j] == '{')
        {
            int k = j + 1;
            int digits = k;
            while (k < p.Length && char.IsAsciiDigit(p[k]))
            {
                k++;
            }
            if (k == digits)
            {
                return i;
            }
            if (k < p.Length && p[k] == ',')
            {
                k++;
                while (k < p.Length && char.IsAsciiDigit(p[k]))
                {
                    k++;
                }
            }
            if (k >= p.Length || p[k] != '}')
            {
                return i;
            }
            j = k + 1;
        }
        else
        {
            return i;
        }
        return j < p.Length && p[j] == '?' ? j + 1 : j;
    }
}
