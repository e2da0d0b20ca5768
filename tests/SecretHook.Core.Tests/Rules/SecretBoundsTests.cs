using System.Text;
using System.Text.RegularExpressions;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Rules;

/// <summary>
/// The derived patterns must give exactly the secret group's span for every match, on the engine the
/// detector runs them on; and they must exist for the pack's rules, or the detector allocates a Match
/// for every rejected candidate again.
/// </summary>
public sealed class SecretBoundsTests
{
    private static readonly RuleSet Pack = BuiltInRules.Load();

    [Fact]
    public void A_plain_sequence_moves_what_follows_the_secret_into_a_lookahead()
    {
        var b = SecretBounds.Derive(@"key=(?<secret>[a-z]+)(?:;|$)")!;
        Assert.Equal(@"\G(?:key=(?=(?<secret>[a-z]+)(?:;|$)))", b.Start);
        Assert.Equal(@"\G(?:key=(?<secret>[a-z]+)(?=(?:;|$)))", b.End);
    }

    [Fact]
    public void Branches_that_each_hold_the_secret_take_the_rest_inside()
    {
        var b = SecretBounds.Derive(@"(?i)(?:a(?<secret>x+)|b(?<secret>y+))z")!;
        Assert.Equal(@"\G(?:(?i)(?:a(?=(?<secret>x+)z)|b(?=(?<secret>y+)z)))", b.Start);
        Assert.Equal(@"\G(?:(?i)(?:a(?<secret>x+)(?=z)|b(?<secret>y+)(?=z)))", b.End);
    }

    [Theory]
    [InlineData(@"(?:a(?<secret>x))?b")]                 // under a quantifier
    [InlineData(@"(?:a(?<secret>x)){2}b")]
    [InlineData(@"(?=a(?<secret>x))ax")]                 // inside a lookaround
    [InlineData(@"(?>a(?<secret>x+))b")]                 // inside an atomic group
    [InlineData(@"(?i:a(?<secret>x))b")]                 // inside an option-scoped group
    [InlineData(@"(?:(?i)a(?<secret>x))b")]              // an inline option would reach the moved 'b'
    [InlineData(@"a(?<secret>x)b(?<secret>y)")]          // two secret groups in one sequence
    [InlineData(@"(?x)a (?<secret>x)")]                  // whitespace-insensitive text
    [InlineData(@"a(?<secret>x")]                        // not a pattern
    [InlineData(@"no secret group")]
    [InlineData(@"a(?<secret>\w)(?#c)+b")]              // a comment: the + repeats the group
    [InlineData(@"a(?<secret>\w)(?i)b|C(?<secret>\w)")]  // (?i) would move into a lookahead, off branch 2
    [InlineData(@"x(?:a(?<secret>\w)|b)(?i)z|Q(?<secret>\w)")]
    [InlineData(@"(?-n)(x(?<secret>\w+))=\1")]           // -n: plain groups capture, numbers would move
    [InlineData(@"(?:a|(?<x>b)(?<secret>c))(?<z>f)\1")]  // a numbered backreference
    [InlineData(@"(?:a|(?<x>b)(?<secret>c))(?(1)f|g)")] // a conditional on a group number
    [InlineData(@"(?:a|(?<x>b)(?<secret>c))\k<1>")]      // a numbered backreference, k syntax
    [InlineData(@"(?:\G\w|)(?<secret>\w+)")]             // \G holds at the search's start only
    [InlineData(@"(?<q>a)(?<secret-q>b)")]              // a balancing group captures into secret
    public void Shapes_it_is_not_exact_for_get_no_bounds(string pattern) => Assert.Null(SecretBounds.Derive(pattern));

    [Fact]
    public void A_branch_without_the_secret_is_kept_whole_in_both()
    {
        var b = SecretBounds.Derive(@"(?:skip:\w+:|k=(?<secret>\w+))(?:;|$)")!;
        Assert.Equal(@"\G(?:(?:skip:\w+:(?:;|$)|k=(?=(?<secret>\w+)(?:;|$))))", b.Start);
        Assert.Equal(@"\G(?:(?:skip:\w+:(?:;|$)|k=(?<secret>\w+)(?=(?:;|$))))", b.End);
    }

    [Fact]
    public void Classes_and_escapes_are_read_as_atoms()
    {
        var b = SecretBounds.Derive(@"[(|)\]]\((?<secret>[^)]+)\)[a-z-[aeiou]]")!;
        Assert.Equal(@"\G(?:[(|)\]]\((?<secret>[^)]+)(?=\)[a-z-[aeiou]]))", b.End);
        // An escaped or leading '-' starts no subtraction: the class ends at its first ']'.
        Assert.Equal(@"\G(?:[a\-[](?<secret>b)(?=[(]))", SecretBounds.Derive(@"[a\-[](?<secret>b)[(]")!.End);
        Assert.Equal(@"\G(?:[-[](?<secret>b)(?=x))", SecretBounds.Derive(@"[-[](?<secret>b)x")!.End);
    }

    /// <summary>Patterns whose group span hangs on backtracking order: lazy and greedy runs, overlapping branches, an anchor in the rest.</summary>
    public static TheoryData<string> TrickyPatterns() =>
    [
        @"(?:a|ab)(?<secret>b*?c|bc)(?:c|$)",
        @"a*(?<secret>a+b?)(?:b|a)",
        @"(?:x|xy)+?(?<secret>y*)z?",
        @"(?:(?:a|b)(?<secret>[ab]{2,3}?)|a(?<secret>b+))b",
        @"(?:^|[^a-c])(?<secret>[a-c]{2,4})(?:[^a-c]|$)",
        @"(?i)c(?:\w{0,3}?)(?<secret>[a-c]+)(?=c)",
        @"(?:\b|=)(?<secret>(?:ab|a)+)(?:b|c)\b",
        @"(?:ab+|a(?<secret>b*c?)|c(?:a|b(?<secret>a+)))(?:c|b)",
    ];

    [Theory]
    [MemberData(nameof(TrickyPatterns))]
    public void Spans_equal_the_group_on_random_text_for_patterns_that_hang_on_backtracking_order(string pattern)
    {
        var bounds = SecretBounds.Derive(pattern);
        Assert.NotNull(bounds);
        var random = new Random(pattern.Length);
        int matches = 0;
        const string Alphabet = "aaabbbcccxyz= \n";
        for (int n = 0; n < 10000; n++)
        {
            var sb = new StringBuilder();
            int length = random.Next(1, 14);
            for (int i = 0; i < length; i++)
            {
                sb.Append(Alphabet[random.Next(Alphabet.Length)]);
            }
            matches += AssertSpansEqual(pattern, bounds, sb.ToString());
        }
        Assert.True(matches > 500, $"only {matches} matches: the text does not exercise the pattern");
    }

    [Fact]
    public void Nearly_every_built_in_rule_has_bounds()
    {
        var without = Pack.Rules.Where(r => SecretBounds.Derive(r.Pattern) is null).Select(r => r.Id).ToList();
        // The detector falls back to an allocating Match for these; keep them few.
        Assert.True(without.Count * 20 <= Pack.Rules.Count, $"{without.Count} of {Pack.Rules.Count} rules have none: {string.Join(", ", without)}");
    }

    public static TheoryData<string> RuleIds()
    {
        var data = new TheoryData<string>();
        foreach (var rule in Pack.Rules.Where(r => SecretBounds.Derive(r.Pattern) is not null))
        {
            data.Add(rule.Id);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Spans_equal_the_group_for_every_match_of_a_built_in_rule(string id)
    {
        var rule = Pack.Find(id)!;
        var bounds = SecretBounds.Derive(rule.Pattern)!;
        Assert.NotNull(rule.BoundsRegexes); // they compile: the detector takes the allocation-free path
        var random = new Random(id.Length * 7919);
        int matches = 0;
        foreach (var text in Texts(rule, random))
        {
            matches += AssertSpansEqual(rule.Pattern, bounds, text);
        }
        Assert.True(matches > 0 || rule.Examples.Positive.Count == 0, $"{id}: no example matched");
    }

    /// <summary>Each positive example, alone, run together with others, cut short and lengthened; and each negative one.</summary>
    private static IEnumerable<string> Texts(Rule rule, Random random)
    {
        foreach (var template in rule.Examples.Positive)
        {
            for (int n = 0; n < 4; n++)
            {
                string t = TemplateExpander.Expand(template, random);
                yield return t;
                yield return t + t;
                yield return "x " + t + " = " + t + "\n" + t;
                yield return t[..(t.Length * 3 / 4)];
                int at = random.Next(t.Length);
                yield return t[..at] + t[at] + t[at..];
            }
        }
        foreach (var negative in rule.Examples.Negative)
        {
            yield return negative;
        }
    }

    /// <summary>Asserts, for every match, the spans the derived patterns give at its start; returns how many matches there were.</summary>
    private static int AssertSpansEqual(string pattern, SecretBounds bounds, string text)
    {
        var regex = new Regex(pattern, Rule.VettedOptions);
        var start = new Regex(bounds.Start, Rule.VettedOptions);
        var end = new Regex(bounds.End, Rule.VettedOptions);
        int count = 0;
        for (var m = regex.Match(text); m.Success; m = m.NextMatch())
        {
            var g = m.Groups[Rule.SecretGroup];
            var s = start.Match(text, m.Index);
            var e = end.Match(text, m.Index);
            Assert.True(s.Success && e.Success, $"{pattern} on '{text}' at {m.Index}: a derived pattern did not match");
            // The detector skips an empty secret as it skips an absent group.
            var expected = g.Success && g.Length > 0 ? (g.Index, g.Index + g.Length) : (0, 0);
            var actual = e.Length > s.Length ? (m.Index + s.Length, m.Index + e.Length) : (0, 0);
            Assert.Equal(expected, actual);
            count++;
        }
        return count;
    }
}
