using System.Text;
using CsCheck;
using SecretHook.Core.Matching;

namespace SecretHook.Core.Tests.Fuzz;

/// <summary>
/// The keyword automaton against a naive reference: for random keyword sets and haystacks, and a
/// search starting at every offset, it reports exactly the occurrences a byte-by-byte comparison at
/// every position finds (overlapping ones included, ASCII letters case-insensitive, nothing else
/// folded), in end-offset order.
/// </summary>
public sealed class KeywordAutomatonFuzzTests
{
    // Letters in both cases, the bytes one bit away from them (@ [ ` {), digits, and non-ASCII bytes.
    private const string Alphabet = "abcABC@[`{_-09";

    private static readonly Gen<byte> HayByte = Gen.Frequency(
        (8, Gen.Char[Alphabet].Select(c => (byte)c)),
        (1, Gen.Byte));

    private static readonly Gen<string> Keyword = Gen.Frequency(
        (6, Gen.String[Gen.Char[Alphabet], 1, 5]),
        (1, Gen.String[Gen.Char[(char)1, (char)127], 1, 8]));

    private static readonly Gen<(string[] Keywords, byte[] Haystack)> Case =
        from keywords in Keyword.Array[1, 12]
        from haystack in HayByte.Array[0, 160]
        select (keywords, haystack);

    private static byte Fold(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;

    /// <summary>Every (keyword, start, end) where the keyword's bytes equal the haystack's, letters folded.</summary>
    private static List<KeywordHit> Naive(string[] keywords, ReadOnlySpan<byte> haystack)
    {
        var hits = new List<KeywordHit>();
        for (int id = 0; id < keywords.Length; id++)
        {
            var kw = Encoding.ASCII.GetBytes(keywords[id]);
            for (int start = 0; start + kw.Length <= haystack.Length; start++)
            {
                bool equal = true;
                for (int j = 0; j < kw.Length && equal; j++)
                {
                    equal = Fold(haystack[start + j]) == Fold(kw[j]);
                }
                if (equal)
                {
                    hits.Add(new KeywordHit(id, start, start + kw.Length));
                }
            }
        }
        return hits;
    }

    private static List<KeywordHit> Sorted(IEnumerable<KeywordHit> hits) =>
        [.. hits.OrderBy(h => h.End).ThenBy(h => h.Start).ThenBy(h => h.KeywordId)];

    [Fact]
    public void Finds_exactly_what_the_naive_search_finds_from_every_offset()
    {
        FuzzBudget.Check(Case, c =>
        {
            var builder = new KeywordAutomatonBuilder();
            foreach (var k in c.Keywords)
            {
                builder.Add(k);
            }
            var automaton = builder.Build();
            var hits = new List<KeywordHit>();
            for (int offset = 0; offset <= c.Haystack.Length; offset++)
            {
                var hay = c.Haystack.AsSpan(offset);
                hits.Clear();
                automaton.FindAll(hay, hits);
                var expected = Naive(c.Keywords, hay);
                Assert.Equal(Sorted(expected), Sorted(hits));
                for (int i = 1; i < hits.Count; i++)
                {
                    // End-offset order; at one end, the longest keyword first.
                    Assert.True(hits[i - 1].End < hits[i].End
                        || (hits[i - 1].End == hits[i].End && hits[i - 1].Start <= hits[i].Start), "hits out of order");
                }
                Assert.Equal(expected.Count > 0, automaton.ContainsAny(hay));
            }
        }, iterations: 150, print: c => $"keywords [{string.Join(", ", c.Keywords.Select(k => $"\"{k}\""))}] haystack {Convert.ToHexString(c.Haystack)}");
    }

    [Fact]
    public void Long_haystacks_with_many_keywords_match_the_naive_search()
    {
        var gen = from keywords in Gen.String[Gen.Char["abcdeABCDE"], 1, 7].Array[20, 80]
                  from haystack in Gen.Char["abcdeABCDE xyz"].Select(c => (byte)c).Array[1000, 5000]
                  select (keywords, haystack);
        FuzzBudget.Check(gen, c =>
        {
            var builder = new KeywordAutomatonBuilder();
            foreach (var k in c.keywords)
            {
                builder.Add(k);
            }
            var hits = new List<KeywordHit>();
            builder.Build().FindAll(c.haystack, hits);
            Assert.Equal(Sorted(Naive(c.keywords, c.haystack)), Sorted(hits));
        }, iterations: 20);
    }
}
