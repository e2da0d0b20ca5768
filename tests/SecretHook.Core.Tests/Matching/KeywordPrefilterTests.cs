using System.Runtime.Intrinsics.X86;
using System.Text;
using SecretHook.Core.Detection;
using SecretHook.Core.Matching;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Matching;

/// <summary>
/// The fingerprint prefilter must give exactly the DFA's output — the same hits in the same order (end
/// offset, longer keyword first, then id) — on every path: vectorised, scalar, and the tail after the
/// last full vector. Each is compared with a naive search and with the DFA on random inputs.
/// </summary>
public sealed class KeywordPrefilterTests
{
    private static KeywordAutomaton Build(IEnumerable<string> keywords)
    {
        var b = new KeywordAutomatonBuilder();
        foreach (var k in keywords)
        {
            b.Add(k);
        }
        return b.Build();
    }

    /// <summary>Every occurrence, in the automaton's order: end offset, then start (longer first), then id.</summary>
    private static List<KeywordHit> Naive(IReadOnlyList<string> keywords, byte[] haystack)
    {
        var hits = new List<KeywordHit>();
        for (int id = 0; id < keywords.Count; id++)
        {
            var kw = Encoding.ASCII.GetBytes(keywords[id]);
            for (int start = 0; start + kw.Length <= haystack.Length; start++)
            {
                bool match = true;
                for (int j = 0; j < kw.Length && match; j++)
                {
                    match = Fold(haystack[start + j]) == Fold(kw[j]);
                }
                if (match)
                {
                    hits.Add(new KeywordHit(id, start, start + kw.Length));
                }
            }
        }
        return [.. hits.OrderBy(h => h.End).ThenBy(h => h.Start).ThenBy(h => h.KeywordId)];
    }

    private static byte Fold(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;

    /// <summary>All four searches, each checked against the naive order exactly (not as a set).</summary>
    private static void AssertAllPathsAgree(KeywordAutomaton automaton, IReadOnlyList<string> keywords, byte[] haystack)
    {
        var expected = Naive(keywords, haystack);
        var prefilter = automaton.Prefilter;
        Assert.NotNull(prefilter);
        var dfa = new List<KeywordHit>();
        automaton.FindAllWithDfa(haystack, dfa);
        Assert.Equal(expected, dfa);
        var scalar = new List<KeywordHit>();
        prefilter.FindAll(haystack, scalar, vectorised: false);
        Assert.Equal(expected, scalar);
        var vector = new List<KeywordHit> { new(-1, 0, 0) }; // hits already in the list stay first and untouched
        prefilter.FindAll(haystack, vector, vectorised: true);
        Assert.Equal(new KeywordHit(-1, 0, 0), vector[0]);
        Assert.Equal(expected, vector[1..]);
        var automatic = new List<KeywordHit>();
        automaton.FindAll(haystack, automatic);
        Assert.Equal(expected, automatic);
    }

    [Theory]
    [InlineData(1, 30, "abAB_-c0")]
    [InlineData(2, 120, "abcdAB_-~")]
    [InlineData(3, 300, "abcdefgh_-.:/")]
    [InlineData(4, 60, "aA_\u007f@`[{")] // byte pairs the lossy 0x20 fold merges ('_'/DEL, '@'/'`', '['/'{')
    public void Agrees_with_a_naive_search_and_the_dfa_on_random_input(int seed, int keywordCount, string alphabet)
    {
        var random = new Random(seed);
        // Many first bytes turn the start-state skip off; lengths 3..12 put fingerprints at many offsets.
        var keywords = Enumerable.Range(0, keywordCount)
            .Select(i => (char)('d' + i % 23) + new string([.. Enumerable.Range(0, random.Next(2, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])]))
            .ToList();
        var automaton = Build(keywords);
        Assert.False(automaton.UsesStartSkip);
        Assert.Equal(Avx2.IsSupported, automaton.UsesPrefilter);
        for (int round = 0; round < 60; round++)
        {
            // Lengths around the vector width (32 + 2) exercise the tail and the last full step.
            var haystack = new byte[round < 40 ? round : random.Next(0, 700)];
            for (int i = 0; i < haystack.Length; i++)
            {
                int r = random.Next(12);
                haystack[i] = r == 0 ? (byte)random.Next(256)
                    : r == 1 ? (byte)('d' + random.Next(23))
                    : r == 2 ? (byte)char.ToUpperInvariant(alphabet[random.Next(alphabet.Length)])
                    : (byte)alphabet[random.Next(alphabet.Length)];
            }
            // Plant a few keywords, in either case, overlapping whatever is there.
            for (int k = 0; k < 4 && haystack.Length > 12; k++)
            {
                var kw = keywords[random.Next(keywords.Count)];
                kw = random.Next(2) == 0 ? kw : kw.ToUpperInvariant();
                int at = random.Next(haystack.Length - Math.Min(kw.Length, haystack.Length) + 1);
                Encoding.ASCII.GetBytes(kw[..Math.Min(kw.Length, haystack.Length - at)]).CopyTo(haystack, at);
            }
            AssertAllPathsAgree(automaton, keywords, haystack);
        }
    }

    [Fact]
    public void Finds_every_keyword_of_the_built_in_pack_at_every_offset()
    {
        var automaton = new Detector(BuiltInRules.Load()).Automaton;
        var keywords = Enumerable.Range(0, automaton.KeywordCount).Select(automaton.Keyword).ToList();
        Assert.NotNull(automaton.Prefilter);
        var random = new Random(5);
        const string background = "aeiou stnrl_()*;\n\t{}=xyz09";
        foreach (var keyword in keywords)
        {
            foreach (var variant in new[] { keyword, keyword.ToUpperInvariant() })
            {
                // Offsets 0..70 cross the first two vector steps and the end of the input.
                for (int offset = 0; offset <= 70; offset++)
                {
                    var haystack = new byte[offset + variant.Length + random.Next(0, 40)];
                    for (int i = 0; i < haystack.Length; i++)
                    {
                        haystack[i] = (byte)background[random.Next(background.Length)];
                    }
                    Encoding.ASCII.GetBytes(variant).CopyTo(haystack, offset);
                    AssertAllPathsAgree(automaton, keywords, haystack);
                }
            }
        }
    }

    [Fact]
    public void Is_not_built_for_keywords_shorter_than_a_fingerprint()
    {
        var automaton = Build([.. Enumerable.Range(0, 26).Select(i => $"{(char)('a' + i)}x"), "hf_"]);
        Assert.False(automaton.UsesStartSkip);
        Assert.Null(automaton.Prefilter);
        Assert.False(automaton.UsesPrefilter);
        var hits = new List<KeywordHit>();
        automaton.FindAll("..QX.HF_"u8, hits);
        Assert.Equal([new KeywordHit(16, 2, 4), new KeywordHit(26, 5, 8)], hits);
    }

    [Fact]
    public void Fingerprints_lie_inside_their_keywords()
    {
        var automaton = new Detector(BuiltInRules.Load()).Automaton;
        var prefilter = automaton.Prefilter!;
        for (int id = 0; id < automaton.KeywordCount; id++)
        {
            Assert.InRange(prefilter.FingerprintOffsets[id], 0, automaton.KeywordLength(id) - KeywordPrefilter.Width);
            Assert.InRange(prefilter.Buckets[id], 0, KeywordPrefilter.BucketCount - 1);
        }
        // Every bucket is used: an empty one would waste filter capacity.
        Assert.Equal(KeywordPrefilter.BucketCount, prefilter.Buckets.Distinct().Count());
    }
}
