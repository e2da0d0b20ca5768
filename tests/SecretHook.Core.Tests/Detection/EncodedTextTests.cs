using System.Text;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Detection;

/// <summary>
/// Secrets hidden by an encoding are found at the encoded text's position and say how they were
/// encoded; decoding is bounded; binary base64 (images) and plain identifiers are left alone.
/// </summary>
public sealed class EncodedTextTests
{
    private static readonly Detector Engine = new(BuiltInRules.Load());

    private static string Token(int seed)
    {
        var r = new Random(seed);
        const string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return "hf" + "_" + new string([.. Enumerable.Range(0, 34).Select(_ => a[r.Next(a.Length)])]);
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    public static TheoryData<string, string, int> Encoded()
    {
        string t = Token(1);
        return new TheoryData<string, string, int>
        {
            { $"Authorization: basic {B64("x-access-token:" + t)}", "base64", 22 },
            { $"echo {B64(t)} | base64 -d", "base64", 6 },
            { $"value: {B64(t).TrimEnd('=').Replace('+', '-').Replace('/', '_')}", "base64", 8 },
            { $"url = \"https://x/?auth=Bearer%20hf%5F{t[3..]}\"", "percent", 1 },
            { $"token = \"hf\\u005f{t[3..]}\"", "escape", 1 },
            { $"x = '\\x68\\x66\\x5f{t[3..]}'", "escape", 1 },
            { $"<p>&#104;&#x66;&#95;{t[3..]}</p>", "escape", 1 },
            { $"kubectl create secret --from-literal=t=$(echo {B64(B64(t))} | base64 -d | base64 -d)", "base64+base64", 47 },
        };
    }

    [Theory]
    [MemberData(nameof(Encoded))]
    public void A_token_behind_an_encoding_is_found_where_the_encoded_text_is(string line, string kind, int column)
    {
        var f = Assert.Single(Engine.ScanText("first line\n" + line + "\n"), x => x.RuleId == "huggingface-user-token");
        Assert.Equal(Token(1), f.Secret);
        Assert.Equal(kind, f.Decoded);
        Assert.Equal(2, f.Line);
        Assert.Equal(column, f.Column);
        Assert.DoesNotContain(Token(1)[3..], SecretHook.Core.Reporting.Redaction.RedactLine(f), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_token_is_reported_once_not_again_as_decoded()
    {
        string t = Token(2);
        var found = Engine.ScanText($"auth=Bearer%20{t}\n");
        Assert.Null(Assert.Single(found).Decoded);
    }

    [Theory]
    [InlineData("img = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='")]
    [InlineData("some_long_identifier_name_without_digits = other_long_identifier_name")]
    [InlineData("url = 'https://example.com/search?q=hello%20world&lang=en'")]
    public void Binary_data_identifiers_and_plain_escapes_stay_quiet(string line) => Assert.Empty(Engine.ScanText(line));

    [Fact]
    public void Decoding_is_bounded_on_a_huge_base64_blob()
    {
        // 8 MB of base64 text that decodes to printable text: the decoding budget stops at 256 KiB.
        var blob = B64(new string('a', 6 * 1024 * 1024));
        var spans = new List<EncodedSpan>();
        EncodedText.Find(Encoding.ASCII.GetBytes(blob), spans);
        Assert.True(spans.Sum(s => s.Decoded.Length) <= EncodedText.MaxDecodedBytesPerChunk + EncodedText.MaxRun);
    }

    [Fact]
    public void Decoding_can_be_turned_off()
    {
        var off = new Detector(BuiltInRules.Load()) { DecodeDepth = 0 };
        Assert.DoesNotContain(off.ScanText($"echo {B64(Token(3))} | base64 -d"), f => f.RuleId == "huggingface-user-token");
    }

    /// <summary>Both letter cases and a digit, '+' or '/': what the decoder asks of a run before decoding it.</summary>
    private static bool ReferenceLooksEncoded(ReadOnlySpan<byte> run)
    {
        var chars = Encoding.ASCII.GetString(run);
        return chars.Any(char.IsAsciiLetterUpper) && chars.Any(char.IsAsciiLetterLower) && chars.Any(c => char.IsAsciiDigit(c) || c is '+' or '/');
    }

    /// <summary>The maximal runs of ≥ 20 base64 characters, byte by byte.</summary>
    private static List<(int, int)> ReferenceRuns(byte[] data)
    {
        static bool IsB64(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'+' or (byte)'/' or (byte)'-' or (byte)'_';
        var runs = new List<(int, int)>();
        for (int i = 0; i < data.Length; i++)
        {
            int n = 0;
            while (i + n < data.Length && IsB64(data[i + n]))
            {
                n++;
            }
            if (n >= EncodedText.MinBase64Run)
            {
                runs.Add((i, i + n));
            }
            i += n;
        }
        return runs;
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    public void Run_finder_agrees_with_a_byte_by_byte_reference(int seed, bool vectorised)
    {
        // Runs of every length around the threshold, at every alignment against the 64-byte blocks,
        // separated by non-base64 bytes (including '=' and bytes >= 0x80).
        var r = new Random(seed);
        // Each run is drawn from one of several sub-alphabets, so that the runs that look encoded (both
        // cases and a digit, '+' or '/') and those that do not (identifiers) are both common.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
        string[] alphabets = [alphabet, "abcdefghijklmnopqrstuvwxyz_", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", "ABCDEFGHIJKLMnopqrstuvwxyz-_", "aZ9", "aZ+", "Az/", "zA-"];
        byte[] separators = "= .\n\"{}()=\u00e9"u8.ToArray();
        int encoded = 0, plain = 0;
        for (int round = 0; round < 200; round++)
        {
            var bytes = new List<byte>();
            int length = r.Next(0, 600);
            while (bytes.Count < length)
            {
                int run = r.Next(4) == 0 ? r.Next(15, 260) : r.Next(0, 24);
                string from = alphabets[r.Next(alphabets.Length)];
                for (int k = 0; k < run; k++)
                {
                    bytes.Add((byte)from[r.Next(from.Length)]);
                }
                if (run > 0 && r.Next(3) == 0)
                {
                    // One byte of a class the sub-alphabet may lack, anywhere (often in another block than the rest).
                    bytes[^r.Next(1, run + 1)] = (byte)"Aa1+/"[r.Next(5)];
                }
                int gap = r.Next(1, 3);
                for (int k = 0; k < gap; k++)
                {
                    bytes.Add(separators[r.Next(separators.Length)]);
                }
            }
            // Half the inputs end inside a run.
            for (int k = round % 2 == 0 ? r.Next(0, 150) : 0; k > 0; k--)
            {
                bytes.Add((byte)alphabet[r.Next(alphabet.Length)]);
            }
            var data = bytes.ToArray();
            var found = new List<(int, int)>();
            var runs = new EncodedText.Base64Runs(data, vectorised: vectorised);
            while (runs.MoveNext())
            {
                found.Add(runs.Current);
            }
            var expected = ReferenceRuns(data);
            Assert.Equal(expected, found);

            var looksEncoded = expected.Where(x => ReferenceLooksEncoded(data.AsSpan(x.Item1, x.Item2 - x.Item1))).ToList();
            var foundEncoded = new List<(int, int)>();
            var encodedRuns = new EncodedText.Base64Runs(data, encodedOnly: true, vectorised: vectorised);
            while (encodedRuns.MoveNext())
            {
                foundEncoded.Add(encodedRuns.Current);
            }
            Assert.Equal(looksEncoded, foundEncoded);
            encoded += looksEncoded.Count;
            plain += expected.Count - looksEncoded.Count;
        }
        // Both kinds of run occur often enough to be tested (runs of 15 to 260 bytes cross blocks often).
        Assert.True(encoded > 200 && plain > 200, $"{encoded} runs look encoded, {plain} do not");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Base64_runs_are_kept_exactly_when_they_decode_to_text(int seed)
    {
        // Decoded bytes around the 90 % printable threshold, a NUL now and then, non-text bytes at the
        // front or anywhere, either alphabet: what is kept is what decoding the whole run says.
        var r = new Random(seed);
        int kept = 0, dropped = 0;
        for (int round = 0; round < 3000; round++)
        {
            var bytes = new byte[r.Next(15, 70)];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)r.Next(0x20, 0x7F);
            }
            int bad = Math.Max(0, bytes.Length / 10 + r.Next(-2, 3));
            for (int k = 0; k < bad; k++)
            {
                int at = r.Next(3) == 0 ? r.Next(Math.Min(6, bytes.Length)) : r.Next(bytes.Length);
                bytes[at] = r.Next(40) == 0 ? (byte)0 : (byte)r.Next(0x80, 0x100);
            }
            string run = Convert.ToBase64String(bytes);
            if (r.Next(2) == 0)
            {
                run = run.Replace('+', '-').Replace('/', '_').TrimEnd('=');
            }
            var data = Encoding.ASCII.GetBytes($"x = {run} ;");
            var spans = new List<EncodedSpan>();
            EncodedText.Find(data, spans);
            int printable = bytes.Count(b => b is >= 0x20 and < 0x7F or (byte)'\t' or (byte)'\n' or (byte)'\r');
            bool text = !bytes.Contains((byte)0) && printable * 10 >= bytes.Length * 9;
            bool looks = ReferenceLooksEncoded(Encoding.ASCII.GetBytes(run.TrimEnd('=')));
            if (text && looks)
            {
                var span = Assert.Single(spans);
                Assert.Equal(bytes, span.Decoded.ToArray());
                kept++;
            }
            else
            {
                Assert.DoesNotContain(spans, s => s.Kind == "base64");
                dropped++;
            }
        }
        Assert.True(kept > 300 && dropped > 300, $"{kept} kept, {dropped} dropped");
    }

    [Fact]
    public void Every_byte_value_counts_as_text_or_not_as_the_decoder_says()
    {
        // Two copies of one byte among 18 decoded bytes: kept exactly when the byte is printable
        // ASCII, tab, LF or CR. At the front the first six bytes settle it; further on, the whole.
        int kept = 0;
        for (int b = 0; b < 256; b++)
        {
            foreach (var (first, second) in new[] { (0, 1), (9, 15) })
            {
                var bytes = Encoding.ASCII.GetBytes("Qx7mK2pLr9sT4vWz8Y");
                bytes[first] = bytes[second] = (byte)b;
                string run = Convert.ToBase64String(bytes);
                if (!ReferenceLooksEncoded(Encoding.ASCII.GetBytes(run)))
                {
                    continue;
                }
                var spans = new List<EncodedSpan>();
                EncodedText.Find(Encoding.ASCII.GetBytes($"v = {run} ;"), spans);
                bool text = b is >= 0x20 and < 0x7F or '\t' or '\n' or '\r';
                Assert.True(text == spans.Exists(x => x.Kind == "base64"), $"byte 0x{b:X2} at {first} and {second}");
                kept += text ? 1 : 0;
            }
        }
        Assert.True(kept > 150, $"{kept} kept");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_finder_classifies_every_byte_value_as_the_alphabet_does(bool vectorised)
    {
        // 64 copies of one byte (a whole vector block, both halves), then 20 copies of it followed by
        // 44 '.' (one run inside the block), for each of the 256 values.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
        for (int b = 0; b < 256; b++)
        {
            bool base64 = alphabet.Contains((char)b, StringComparison.Ordinal);
            var whole = Enumerable.Repeat((byte)b, 64).ToArray();
            var part = whole.Select((x, k) => k < 20 ? x : (byte)'.').ToArray();
            foreach (var (data, end) in new[] { (whole, 64), (part, 20) })
            {
                var runs = new EncodedText.Base64Runs(data, vectorised: vectorised);
                Assert.Equal(base64, runs.MoveNext());
                if (base64)
                {
                    Assert.Equal((0, end), runs.Current);
                }
            }
            // Two of the three classes, then this byte: the run looks encoded exactly when the byte
            // is base64 and of the missing class (both vector halves, and the byte-by-byte tail).
            foreach (var (prefix, missing) in new[] { ("a1", (Func<char, bool>)char.IsAsciiLetterUpper), ("A+", char.IsAsciiLetterLower), ("Za", c => char.IsAsciiDigit(c) || c is '+' or '/') })
            {
                foreach (int length in new[] { 64, 40, 100 })
                {
                    var data = Encoding.ASCII.GetBytes(prefix).Concat(Enumerable.Repeat((byte)b, length - 2)).ToArray();
                    var runs = new EncodedText.Base64Runs(data, encodedOnly: true, vectorised: vectorised);
                    bool accepted = base64 && missing((char)b);
                    Assert.Equal(accepted, runs.MoveNext());
                    if (accepted)
                    {
                        Assert.Equal((0, length), runs.Current);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(1, false)]
    public void Escape_finder_agrees_with_a_byte_by_byte_reference(int seed, bool vectorised)
    {
        // Escapes, near-escapes (%d, \n, &&, &#) and plain text at every alignment against the vectors.
        var r = new Random(seed);
        string[] pieces = ["%2F", "%5f", "%d", "%41", "\\x41", "\\x0a", "\\n", "\\u0041", "\\u00e9", "&&", "&#95;", "&#", "a", " ", "\n", "x", "%", "\\", "&"];
        int hits = 0;
        for (int round = 0; round < 300; round++)
        {
            var text = new StringBuilder();
            int length = r.Next(0, 300);
            while (text.Length < length)
            {
                text.Append(pieces[r.Next(pieces.Length)]);
                if (round % 2 == 0 && r.Next(4) == 0)
                {
                    // A long stretch without '%', a backslash or '&' (most of source code), which the finder passes a vector at a time.
                    text.Append('a', r.Next(30, 160));
                }
            }
            var data = Encoding.ASCII.GetBytes(text.ToString());
            for (int from = 0; from <= data.Length; from++)
            {
                int expected = ReferenceEscape(data, from);
                Assert.Equal(expected, EncodedText.NextEscape(data, from, vectorised));
                hits += expected == from ? 1 : 0;
            }
        }
        Assert.True(hits > 1000, $"{hits} escapes");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Escape_finder_agrees_with_the_reference_for_every_first_byte_value(bool vectorised)
    {
        // Each byte value followed by what would make it an escape for each of '%', '\\' and '&', at
        // offsets in both 128-bit lanes of a vector block and in the byte-by-byte tail.
        int hits = 0;
        for (int b = 0; b < 256; b++)
        {
            foreach (string rest in new[] { "41", "x41", "#65;" })
            {
                foreach (int at in new[] { 3, 20, 37, 70 })
                {
                    var data = Enumerable.Repeat((byte)'a', 80).ToArray();
                    data[at] = (byte)b;
                    Encoding.ASCII.GetBytes(rest).CopyTo(data, at + 1);
                    int expected = ReferenceEscape(data, 0);
                    Assert.Equal(expected, EncodedText.NextEscape(data, 0, vectorised));
                    hits += expected >= 0 ? 1 : 0;
                }
            }
        }
        Assert.Equal(3 * 4, hits);
    }

    /// <summary>
    /// Text of escapes, near-escapes, base64 of text, identifiers, newlines and long plain stretches, so
    /// that escapes and their first bytes fall at every offset of the 64-byte blocks and across them.
    /// </summary>
    private static byte[] MixedText(Random r, int length)
    {
        string[] pieces = ["%2F", "%5f", "%d", "%41", "\\x41", "\\n", "\\u0041", "&&", "&#95;", "&", "%", "\\", "a", " ", "\n", "x = ", "CONFIG_X86_64 "];
        var text = new StringBuilder();
        while (text.Length < length)
        {
            switch (r.Next(6))
            {
                case 0:
                    text.Append(B64(new string((char)r.Next('a', 'z' + 1), r.Next(15, 60)) + "%5F" + r.Next()));
                    break;
                case 1:
                    text.Append('a', r.Next(30, 300));
                    break;
                default:
                    text.Append(pieces[r.Next(pieces.Length)]);
                    break;
            }
        }
        return Encoding.ASCII.GetBytes(text.ToString()[..length]);
    }

    /// <summary>Bit k % 64 of word k / 64 for each 64-byte block k that holds a '%', '\\' or '&amp;'.</summary>
    private static ulong[] ReferenceEscapeBlocks(byte[] data)
    {
        var words = new ulong[(data.Length + 4095) / 4096];
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] is (byte)'%' or (byte)'\\' or (byte)'&')
            {
                words[i / 4096] |= 1UL << (i / 64 % 64);
            }
        }
        return words;
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public void The_base64_pass_marks_exactly_the_blocks_that_hold_an_escape_start(int seed, bool vectorised)
    {
        var r = new Random(seed);
        int marked = 0;
        for (int round = 0; round < 200; round++)
        {
            var data = MixedText(r, round % 20 == 0 ? r.Next(4096, 20000) : r.Next(1, 700));
            var expected = ReferenceEscapeBlocks(data);
            var found = new ulong[expected.Length];
            var runs = new EncodedText.Base64Runs(data, encodedOnly: true, vectorised: vectorised, escapeBlocks: found);
            while (runs.MoveNext())
            {
            }
            Assert.Equal(expected, found);
            marked += expected.Sum(w => System.Numerics.BitOperations.PopCount(w));
        }
        Assert.True(marked > 500, $"{marked} blocks marked");
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void The_search_of_marked_blocks_finds_what_the_whole_search_finds(int seed, bool vectorised)
    {
        var r = new Random(seed);
        int hits = 0;
        for (int round = 0; round < 150; round++)
        {
            var data = MixedText(r, round % 15 == 0 ? r.Next(4096, 9000) : r.Next(1, 400));
            var blocks = ReferenceEscapeBlocks(data);
            for (int from = 0; from <= data.Length; from++)
            {
                int expected = ReferenceEscape(data, from);
                Assert.Equal(expected, EncodedText.NextMarkedEscape(data, from, blocks, vectorised));
                hits += expected == from ? 1 : 0;
            }
        }
        Assert.True(hits > 300, $"{hits} escapes");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void Marking_escapes_in_the_base64_pass_finds_the_same_spans(int seed)
    {
        // Chunks on the stack's bitmap and on a pooled one (over 128 KiB), and chunks whose decoding
        // budget runs out in the base64 pass (400 lines of base64 of text, then escapes): the spans and
        // what they decode to are those of two whole passes.
        var r = new Random(seed);
        int spans = 0, base64 = 0, exhausted = 0;
        for (int round = 0; round < 60; round++)
        {
            byte[] data;
            if (round % 10 == 5)
            {
                var text = new StringBuilder();
                for (int line = 0; line < 400; line++)
                {
                    text.Append("v = ").Append(B64(new string([.. Enumerable.Range(0, 750).Select(_ => (char)r.Next(0x20, 0x7F))]))).Append('\n');
                }
                data = [.. Encoding.ASCII.GetBytes(text.ToString()), .. MixedText(r, 20000)];
            }
            else
            {
                data = MixedText(r, round % 10 == 0 ? r.Next(128 * 1024, 600 * 1024) : r.Next(1, 5000));
            }
            var fused = new List<EncodedSpan>();
            var reference = new List<EncodedSpan>();
            byte[]? fusedBuffer = null, referenceBuffer = null;
            EncodedText.Find(data, fused, ref fusedBuffer, markEscapes: true);
            EncodedText.Find(data, reference, ref referenceBuffer, markEscapes: false);
            Assert.Equal(reference.Select(s => (s.Start, s.End, s.Kind)), fused.Select(s => (s.Start, s.End, s.Kind)));
            for (int k = 0; k < reference.Count; k++)
            {
                Assert.True(reference[k].Decoded.Span.SequenceEqual(fused[k].Decoded.Span));
            }
            spans += reference.Count(s => s.Kind != "base64");
            base64 += reference.Count(s => s.Kind == "base64");
            exhausted += reference.Sum(s => s.Decoded.Length) >= EncodedText.MaxDecodedBytesPerChunk ? 1 : 0;
        }
        Assert.True(spans > 1000 && base64 > 1000 && exhausted >= 6, $"{spans} escaped lines, {base64} base64 runs, {exhausted} chunks out of budget");
    }

    /// <summary>The first escape at or after <paramref name="from"/>, from the decoding rules alone.</summary>
    private static int ReferenceEscape(byte[] data, int from)
    {
        static bool Hex(byte b) => char.IsAsciiHexDigit((char)b);
        for (int i = from; i < data.Length; i++)
        {
            var rest = data.AsSpan(i);
            bool escape = rest[0] switch
            {
                (byte)'%' => rest.Length >= 3 && rest[1] is >= (byte)'2' and <= (byte)'7' && char.IsAsciiHexDigitUpper((char)rest[2]),
                (byte)'\\' => (rest.Length >= 4 && rest[1] == 'x' && rest[2] is >= (byte)'2' and <= (byte)'7' && Hex(rest[3]))
                    || (rest.Length >= 6 && rest[1] == 'u' && rest[2] == '0' && rest[3] == '0' && rest[4] is >= (byte)'2' and <= (byte)'7' && Hex(rest[5])),
                (byte)'&' => rest.Length >= 4 && rest[1] == '#',
                _ => false,
            };
            if (escape)
            {
                return i;
            }
        }
        return -1;
    }
}
