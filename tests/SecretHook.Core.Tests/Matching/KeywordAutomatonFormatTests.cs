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

    /// <summary>Where each array of a written automaton starts: the test's own walk over the layout <see cref="KeywordAutomaton.Write"/> writes.</summary>
    private static Dictionary<string, (int Count, int Data)> Arrays(byte[] bytes, out int classOf)
    {
        int at = 12; // magic, version, keyword count
        for (int k = BitConverter.ToInt32(bytes, 8); k > 0; k--)
        {
            at += 4 + BitConverter.ToInt32(bytes, at);
        }
        at += 12; // class count, first match state, state count
        classOf = at;
        at += 256;
        var arrays = new Dictionary<string, (int, int)>();
        void Next(string name, int size)
        {
            int n = BitConverter.ToInt32(bytes, at);
            arrays[name] = (n, at + 4);
            at += 4 + (n * size);
        }
        Next("outputStart", 4);
        Next("outputs", 4);
        Assert.Equal(1, bytes[at++]); // the prefilter follows
        Next("masks", 32);
        foreach (var name in new[] { "bitmap", "slotCode", "slotStart", "slotEnd", "ids", "offsets", "fingerprintOffsets", "buckets", "table" })
        {
            Next(name, 4);
        }
        Assert.Equal(bytes.Length, at);
        return arrays;
    }

    /// <summary>The built-in pack's automaton as the executable ships it, and its keywords.</summary>
    private static byte[] BuiltInForm(out List<byte[]> keywords)
    {
        var computed = new Detector(BuiltInRules.Load()).Automaton;
        keywords = Keywords(computed);
        using var stream = new MemoryStream();
        computed.Write(stream);
        return stream.ToArray();
    }

    private static int Get(byte[] bytes, (int Count, int Data) array, int i) => BitConverter.ToInt32(bytes, array.Data + (4 * i));

    private static void Set(byte[] bytes, (int Count, int Data) array, int i, int value) => BitConverter.GetBytes(value).CopyTo(bytes, array.Data + (4 * i));

    [Theory]
    [InlineData("slot range past the entries")]
    [InlineData("slot range backwards")]
    [InlineData("no empty slot")]
    [InlineData("fingerprint offset past its keyword")]
    [InlineData("entry of no keyword")]
    [InlineData("byte class past the classes")]
    [InlineData("output of no keyword")]
    [InlineData("outputs out of order")]
    [InlineData("first match state inside a row")]
    [InlineData("output index one short")]
    [InlineData("bitmap one word short")]
    [InlineData("masks one table short")]
    public void A_damaged_prebuilt_automaton_is_refused_before_any_search_reads_it(string damage)
    {
        // The searches read these tables without bounds checks (and the slot search probes until an
        // empty slot): damage must be an InvalidDataException when the form is read, nothing later.
        byte[] bytes = BuiltInForm(out var keywords);
        var arrays = Arrays(bytes, out int classOf);
        var slotCode = arrays["slotCode"];
        int used = Enumerable.Range(0, slotCode.Count).First(s => Get(bytes, slotCode, s) != 0);
        switch (damage)
        {
            case "slot range past the entries":
                Set(bytes, arrays["slotEnd"], used, arrays["ids"].Count + 1);
                break;
            case "slot range backwards":
                Set(bytes, arrays["slotStart"], used, Get(bytes, arrays["slotEnd"], used) + 1);
                break;
            case "no empty slot":
                for (int s = 0; s < slotCode.Count; s++)
                {
                    Set(bytes, slotCode, s, Get(bytes, slotCode, s) | 0x202020);
                }
                break;
            case "fingerprint offset past its keyword":
                Set(bytes, arrays["offsets"], 0, keywords[Get(bytes, arrays["ids"], 0)].Length - 2);
                break;
            case "entry of no keyword":
                Set(bytes, arrays["ids"], 0, keywords.Count);
                break;
            case "byte class past the classes":
                bytes[classOf + 'k'] = 255;
                break;
            case "output of no keyword":
                Set(bytes, arrays["outputs"], 0, keywords.Count);
                break;
            case "outputs out of order":
                Set(bytes, arrays["outputStart"], 1, Get(bytes, arrays["outputStart"], 2) + 1);
                break;
            case "first match state inside a row":
                BitConverter.GetBytes(BitConverter.ToInt32(bytes, classOf - 8) + 1).CopyTo(bytes, classOf - 8);
                break;
            case "output index one short":
            case "bitmap one word short":
            case "masks one table short":
                // One element fewer, the count with it: the rest of the form still reads in place.
                string name = damage.Split(' ')[0] switch { "output" => "outputStart", "bitmap" => "bitmap", _ => "masks" };
                var (count, data) = arrays[name];
                int size = name == "masks" ? 32 : 4;
                BitConverter.GetBytes(count - 1).CopyTo(bytes, data - 4);
                bytes = [.. bytes.Take(data + ((count - 1) * size)), .. bytes.Skip(data + (count * size))];
                break;
        }

        Assert.Throws<InvalidDataException>(() => KeywordAutomaton.Read(() => new MemoryStream(bytes), keywords));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_damaged_prebuilt_dfa_table_is_refused_when_first_read(bool insideTheTable)
    {
        // The DFA table is read on first use (searches on hardware without AVX2): checked then.
        byte[] bytes = BuiltInForm(out var keywords);
        var table = Arrays(bytes, out int classOf)["table"];
        int classCount = BitConverter.ToInt32(bytes, classOf - 12);
        Assert.True(classCount > 1);
        // Past the table's end, or inside it but not at the start of a state's row.
        Set(bytes, table, 7, insideTheTable ? classCount + 1 : table.Count);

        var read = KeywordAutomaton.Read(() => new MemoryStream(bytes), keywords);

        Assert.NotNull(read);
        Assert.Throws<InvalidDataException>(() => read.FindAllWithDfa("token = x"u8, []));
    }
}
