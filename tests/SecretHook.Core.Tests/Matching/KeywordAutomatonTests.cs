using System.Text;
using SecretHook.Core.Matching;

namespace SecretHook.Core.Tests.Matching;

/// <summary>The automaton against tables of known answers and against a naive search on random input.</summary>
public sealed class KeywordAutomatonTests
{
    private static KeywordAutomaton Build(params string[] keywords)
    {
        var b = new KeywordAutomatonBuilder();
        foreach (var k in keywords)
        {
            b.Add(k);
        }
        return b.Build();
    }

    private static List<KeywordHit> Find(KeywordAutomaton a, string haystack)
    {
        var hits = new List<KeywordHit>();
        a.FindAll(Encoding.UTF8.GetBytes(haystack), hits);
        return hits;
    }

    /// <summary>Every occurrence of every keyword, ASCII case-insensitively, overlapping ones included.</summary>
    private static List<KeywordHit> Naive(IReadOnlyList<string> keywords, byte[] haystack)
    {
        var hits = new List<KeywordHit>();
        for (int end = 1; end <= haystack.Length; end++)
        {
            var candidates = new List<KeywordHit>();
            for (int id = 0; id < keywords.Count; id++)
            {
                int len = keywords[id].Length;
                int start = end - len;
                if (start < 0)
                {
                    continue;
                }
                bool match = true;
                for (int j = 0; j < len && match; j++)
                {
                    match = Fold(haystack[start + j]) == Fold((byte)keywords[id][j]);
                }
                if (match)
                {
                    candidates.Add(new KeywordHit(id, start, end));
                }
            }
            hits.AddRange(candidates);
        }
        return hits;
    }

    private static byte Fold(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;

    private static IEnumerable<KeywordHit> Canonical(IEnumerable<KeywordHit> hits) =>
        hits.OrderBy(h => h.End).ThenBy(h => h.Start).ThenBy(h => h.KeywordId);

    public static TheoryData<string, string[], string, string> Table() => new()
    {
        { "single keyword", ["hf_"], "x = hf_abc", "0@4..7" },
        { "case-insensitive both ways", ["AKIA", "ghp_"], "akia GHP_ AkIa", "0@0..4 1@5..9 0@10..14" },
        { "overlapping keywords", ["he", "she", "his", "hers"], "ushers", "1@1..4 0@2..4 3@2..6" },
        { "keyword inside keyword", ["abc", "b"], "abc", "1@1..2 0@0..3" },
        { "repeated overlapping", ["aa"], "aaaa", "0@0..2 0@1..3 0@2..4" },
        { "no match", ["xoxb-"], "xoxp- xox", "" },
        { "non-ASCII around", ["key"], "é key ü", "0@3..6" },
        { "punctuation keywords", ["-----begin", "://"], "-----BEGIN x https://a", "0@0..10 1@18..21" },
        { "duplicate keyword", ["sk-", "SK-"], "sk-1", "0@0..3 1@0..3" },
        { "empty haystack", ["abc"], "", "" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Finds_every_occurrence(string name, string[] keywords, string haystack, string expected)
    {
        var hits = Find(Build(keywords), haystack);
        string actual = string.Join(' ', Canonical(hits).Select(h => $"{h.KeywordId}@{h.Start}..{h.End}"));
        string want = string.Join(' ', expected.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Split('@', '.')).Select(p => new KeywordHit(int.Parse(p[0]), int.Parse(p[1]), int.Parse(p[3])))
            .OrderBy(h => h.End).ThenBy(h => h.Start).ThenBy(h => h.KeywordId).Select(h => $"{h.KeywordId}@{h.Start}..{h.End}"));
        Assert.True(want == actual, $"{name}: expected [{want}] got [{actual}]");
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 40)]
    [InlineData(3, 200)]
    public void Agrees_with_a_naive_search_on_random_input(int seed, int keywordCount)
    {
        var random = new Random(seed);
        // A small alphabet makes overlaps and partial matches common.
        const string alphabet = "abAB_-c0";
        var keywords = Enumerable.Range(0, keywordCount)
            .Select(_ => new string([.. Enumerable.Range(0, random.Next(3, 7)).Select(_ => alphabet[random.Next(alphabet.Length)])]))
            .ToList();
        var automaton = Build([.. keywords]);
        for (int round = 0; round < 50; round++)
        {
            var haystack = new byte[random.Next(0, 300)];
            for (int i = 0; i < haystack.Length; i++)
            {
                haystack[i] = random.Next(10) == 0 ? (byte)random.Next(256) : (byte)alphabet[random.Next(alphabet.Length)];
            }
            var hits = new List<KeywordHit>();
            automaton.FindAll(haystack, hits);
            Assert.Equal(Canonical(Naive(keywords, haystack)), Canonical(hits));
        }
    }

    [Theory]
    [InlineData(11, 30, KeywordAutomaton.TwoStreamThreshold)]
    [InlineData(12, 60, KeywordAutomaton.TwoStreamThreshold * 3 + 1)]
    public void Agrees_with_a_naive_search_on_inputs_long_enough_for_two_streams(int seed, int keywordCount, int length)
    {
        var random = new Random(seed);
        const string alphabet = "abcAB_-";
        // Many distinct first bytes turn the start-state skip off, so the two-stream walk runs.
        var keywords = Enumerable.Range(0, keywordCount)
            .Select(i => (char)('d' + i % 20) + new string([.. Enumerable.Range(0, random.Next(2, 6)).Select(_ => alphabet[random.Next(alphabet.Length)])]))
            .ToList();
        var automaton = Build([.. keywords]);
        Assert.False(automaton.UsesStartSkip);
        for (int round = 0; round < 5; round++)
        {
            var haystack = new byte[length];
            for (int i = 0; i < haystack.Length; i++)
            {
                haystack[i] = (byte)(random.Next(3) == 0 ? 'd' + random.Next(20) : alphabet[random.Next(alphabet.Length)]);
            }
            // Plant a keyword straddling the midpoint.
            var kw = System.Text.Encoding.ASCII.GetBytes(keywords[round]);
            kw.CopyTo(haystack, length / 2 - kw.Length / 2);
            var hits = new List<KeywordHit>();
            automaton.FindAllWithDfa(haystack, hits);
            var naive = Naive(keywords, haystack);
            Assert.Equal(Canonical(naive), hits);
        }
    }

    [Fact]
    public void Finds_every_keyword_at_every_offset_in_both_cases()
    {
        string[] keywords = ["hf_", "api_org_", "AKIA", "ghp_", "-----BEGIN", "xoxb-", "sk_live_", "://", "glpat-", "npm_"];
        var automaton = Build(keywords);
        Assert.True(automaton.UsesStartSkip);
        var random = new Random(7);
        for (int id = 0; id < keywords.Length; id++)
        {
            foreach (var variant in new[] { keywords[id].ToLowerInvariant(), keywords[id].ToUpperInvariant() })
            {
                for (int offset = 0; offset < 70; offset++)
                {
                    var haystack = new byte[offset + variant.Length + random.Next(0, 5)];
                    for (int i = 0; i < haystack.Length; i++)
                    {
                        haystack[i] = (byte)"qrz 9\n\t."[random.Next(8)];
                    }
                    Encoding.ASCII.GetBytes(variant).CopyTo(haystack, offset);
                    var hits = new List<KeywordHit>();
                    automaton.FindAll(haystack, hits);
                    Assert.Equal(Canonical(Naive(keywords, haystack)), Canonical(hits));
                    Assert.Contains(new KeywordHit(id, offset, offset + variant.Length), hits);
                }
            }
        }
    }

    [Theory]
    [InlineData("hf_")]
    [InlineData("hf_", "api_org_")]
    [InlineData("hf_", "hf_hf", "f_h")]          // overlapping, and one starting inside another
    [InlineData("_x", "@a", "ab", "a_")]          // bytes the 0x20 fold merges ('_' with DEL, '@' with '`')
    public void Pair_skip_finds_what_a_naive_search_finds(params string[] keywords)
    {
        var automaton = Build(keywords);
        Assert.True(automaton.UsesStartPairs);
        var random = new Random(keywords.Length);
        string pieces = string.Concat(keywords) + "\u007f`hH_fFxX. \n";
        for (int round = 0; round < 400; round++)
        {
            // Lengths around the 32- and 64-byte steps, keywords planted in either case at random places, the
            // last one often at the very end.
            var haystack = new byte[random.Next(0, 300)];
            for (int i = 0; i < haystack.Length; i++)
            {
                haystack[i] = (byte)pieces[random.Next(pieces.Length)];
            }
            for (int n = random.Next(0, 4); n > 0; n--)
            {
                string kw = keywords[random.Next(keywords.Length)];
                kw = random.Next(2) == 0 ? kw : kw.ToUpperInvariant();
                if (kw.Length <= haystack.Length)
                {
                    int at = random.Next(3) == 0 ? haystack.Length - kw.Length : random.Next(haystack.Length - kw.Length + 1);
                    Encoding.ASCII.GetBytes(kw).CopyTo(haystack, at);
                }
            }
            var hits = new List<KeywordHit>();
            automaton.FindAll(haystack, hits);
            Assert.Equal(Canonical(Naive(keywords, haystack)), Canonical(hits));
        }
    }

    [Theory]
    [InlineData("hf")]
    [InlineData("hf", "ap")]
    [InlineData("_x", "@a", "ab", "a_")]
    public void Next_pair_start_is_the_first_position_of_a_pair_at_every_offset(params string[] pairStrings)
    {
        // The skip's exact answer (a position too early would still find every keyword, so the search
        // results alone do not show it): both vector widths, the scalar tail, hits in either half.
        // Folded as the automaton folds them ('_' becomes DEL, '@' becomes '`').
        byte[] pairs = [.. pairStrings.SelectMany(p => Encoding.ASCII.GetBytes(p)).Select(b => (byte)(b | 0x20))];
        var random = new Random(pairs.Length);
        string pieces = string.Concat(pairStrings) + "HF\u007f` .";
        int found = 0;
        for (int round = 0; round < 200; round++)
        {
            var haystack = new byte[random.Next(0, 300)];
            for (int i = 0; i < haystack.Length; i++)
            {
                // Mostly bytes that are no pair, so the first hit is often far away.
                haystack[i] = random.Next(8) == 0 ? (byte)pieces[random.Next(pieces.Length)] : (byte)'.';
            }
            for (int from = 0; from <= haystack.Length; from++)
            {
                int expected = -1;
                for (int i = from; i + 1 < haystack.Length && expected < 0; i++)
                {
                    for (int p = 0; p < pairs.Length; p += 2)
                    {
                        if ((haystack[i] | 0x20) == pairs[p] && (haystack[i + 1] | 0x20) == pairs[p + 1])
                        {
                            expected = i;
                        }
                    }
                }
                Assert.Equal(expected, KeywordAutomaton.NextPairStart(haystack, from, pairs));
                found += expected >= 0 ? 1 : 0;
            }
        }
        Assert.True(found > 500, $"{found} starts");
    }

    [Fact]
    public void Pair_skip_needs_two_bytes_and_few_pairs()
    {
        Assert.True(Build("ghp_", "gho_", "ghu_", "ghs_", "ghr_").UsesStartPairs); // one pair: "gh"
        Assert.False(Build("ab", "cd", "ef", "gh", "ij").UsesStartPairs);         // five pairs
        Assert.False(Build("a", "bc").UsesStartPairs);                            // a one-byte keyword
        Assert.False(Build([.. Enumerable.Range(0, 26).Select(i => $"{(char)('a' + i)}xy")]).UsesStartPairs); // no skip at all
    }

    [Fact]
    public void Skip_is_disabled_when_keywords_start_with_many_bytes()
    {
        var automaton = Build([.. Enumerable.Range(0, 26).Select(i => $"{(char)('a' + i)}xy")]);
        Assert.False(automaton.UsesStartSkip);
        var hits = new List<KeywordHit>();
        automaton.FindAll("..QXY.."u8, hits);
        Assert.Equal([new KeywordHit(16, 2, 5)], hits);
    }

    [Fact]
    public void Rejects_non_ascii_and_empty_keywords()
    {
        var b = new KeywordAutomatonBuilder();
        Assert.Throws<ArgumentException>(() => b.Add("clé"));
        Assert.Throws<ArgumentException>(() => b.Add(""));
    }
}
