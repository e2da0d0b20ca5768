using System.Text;
using SecretHook.Core.Detection;
using SecretHook.Core.Matching;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Matching;

/// <summary>
/// The prebuilt automaton the executable ships (the pack compiler writes it, a start reads it) must be
/// exactly the automaton the builder computes: the same tables, the same hits, and it must be used only
/// for the keywords it was built from.
/// </summary>
public sealed class KeywordAutomatonFormatTests
{
    private static List<byte[]> Keywords(KeywordAutomaton automaton) =>
        [.. Enumerable.Range(0, automaton.KeywordCount).Select(i => Encoding.ASCII.GetBytes(automaton.Keyword(i)))];

    private static KeywordAutomaton? RoundTrip(KeywordAutomaton automaton, IReadOnlyList<byte[]> keywords)
    {
        using var stream = new MemoryStream();
        automaton.Write(stream);
        byte[] bytes = stream.ToArray();
        return KeywordAutomaton.Read(() => new MemoryStream(bytes), keywords);
    }

    private static KeywordAutomatonBuilder Builder(IEnumerable<string> keywords)
    {
        var b = new KeywordAutomatonBuilder();
        foreach (var k in keywords)
        {
            b.Add(k);
        }
        return b;
    }

    private static List<KeywordHit> Hits(KeywordAutomaton automaton, byte[] haystack)
    {
        var hits = new List<KeywordHit>();
        automaton.FindAll(haystack, hits);
        return hits;
    }

    [Fact]
    public void The_built_in_packs_automaton_reads_back_identical()
    {
        var computed = new Detector(BuiltInRules.Load()).Automaton;
        var keywords = Keywords(computed);
        var read = RoundTrip(computed, keywords);
        Assert.NotNull(read);
        Assert.True(read.Prebuilt);
        Assert.NotNull(read.Prefilter);
        Assert.True(computed.SameTables(read));
        Assert.Equal(computed.UsesPrefilter, read.UsesPrefilter);

        var random = new Random(11);
        var text = new StringBuilder();
        while (text.Length < 64 * 1024)
        {
            text.Append(random.Next(3) == 0 ? Encoding.ASCII.GetString(keywords[random.Next(keywords.Count)]).ToUpperInvariant() : "x = f(y); // ");
        }
        var haystack = Encoding.ASCII.GetBytes(text.ToString());
        var expected = Hits(computed, haystack);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Hits(read, haystack));
        var dfa = new List<KeywordHit>();
        read.FindAllWithDfa(haystack, dfa); // reads the DFA table on first use
        Assert.Equal(expected, dfa);
        Assert.Equal(computed.StateCount, read.StateCount);
    }

    [Theory]
    [InlineData("ab bc hf_")]                 // too short for the prefilter
    [InlineData("token secret password ghp_")] // few first bytes: the start-state skip
    public void Small_automata_read_back_identical(string words)
    {
        var computed = Builder(words.Split(' ')).Compute();
        var read = RoundTrip(computed, Keywords(computed));
        Assert.NotNull(read);
        Assert.True(computed.SameTables(read));
        var haystack = Encoding.ASCII.GetBytes("xx AB bc HF_ token=secret password ghp_abc");
        Assert.Equal(Hits(computed, haystack), Hits(read, haystack));
    }

    [Fact]
    public void Is_not_read_for_other_keywords()
    {
        var computed = Builder(["token", "secret", "password"]).Compute();
        Assert.Null(RoundTrip(computed, [.. new[] { "token", "password", "secret" }.Select(Encoding.ASCII.GetBytes)]));
        Assert.Null(RoundTrip(computed, [.. new[] { "token", "secret" }.Select(Encoding.ASCII.GetBytes)]));
        Assert.Null(RoundTrip(computed, [.. new[] { "token", "secret", "passwore" }.Select(Encoding.ASCII.GetBytes)]));
        Assert.NotNull(RoundTrip(computed, [.. new[] { "token", "secret", "password" }.Select(Encoding.ASCII.GetBytes)]));
    }

    [Fact]
    public void The_builder_reads_an_offered_automaton_only_for_its_own_keywords()
    {
        string[] words = ["alpha_key", "beta_token", "gamma-secret"];
        var computed = Builder(words).Compute();
        using var data = new MemoryStream();
        computed.Write(data);
        byte[] bytes = data.ToArray();
        try
        {
            KeywordAutomatonBuilder.OfferPrebuilt(() => new MemoryStream(bytes));
            var same = Builder(words.Select(w => w.ToUpperInvariant())).Build();
            Assert.True(same.Prebuilt);
            Assert.True(computed.SameTables(same));
            var other = Builder([.. words, "delta"]).Build();
            Assert.False(other.Prebuilt);
            Assert.Equal(4, other.KeywordCount);
        }
        finally
        {
            KeywordAutomatonBuilder.OfferPrebuilt(null);
        }
    }
}
