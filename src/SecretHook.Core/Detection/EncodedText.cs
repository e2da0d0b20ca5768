using System.Buffers;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SecretHook.Core.Detection;

/// <summary>One stretch of encoded text and what it decodes to.</summary>
/// <param name="Start">Byte offset of the encoded text in the chunk.</param>
/// <param name="End">Byte offset just past it.</param>
/// <param name="Kind">How it was encoded: <c>base64</c>, <c>percent</c> or <c>escape</c>.</param>
/// <param name="Decoded">The decoded bytes: a slice of the buffer <see cref="EncodedText.Find(ReadOnlySpan{byte}, List{EncodedSpan}, ref byte[])"/>
/// was given, valid until that buffer is used again.</param>
public readonly record struct EncodedSpan(int Start, int End, string Kind, ReadOnlyMemory<byte> Decoded);

/// <summary>
/// Finds text that hides other text — base64 (standard and URL-safe), percent-encoding,
/// <c>\uXXXX</c>/<c>\xXX</c> escapes and HTML character references — and decodes it, so the detector can
/// scan what a secret looks like once decoded (<c>Authorization: Basic eC1hY2Nlc3M…</c>,
/// <c>auth=Bearer%20hf_…</c>, <c>"hf\u005f…"</c>). Bounded: candidates are short (a base64 run of 20 to
/// 4096 characters, an escaped line of at most 4096 bytes) and at most <see cref="MaxDecodedBytesPerChunk"/>
/// bytes are decoded per chunk, so a 50 MB base64 blob costs one pass over its bytes and no more.
/// Base64 that does not decode to mostly printable text (images, compressed data) is not kept.
/// </summary>
public static class EncodedText
{
    /// <summary>The most bytes decoded from one chunk (per depth level).</summary>
    public const int MaxDecodedBytesPerChunk = 256 * 1024;

    /// <summary>The shortest base64 run decoded: 20 characters hold 15 bytes, shorter than any token worth it.</summary>
    public const int MinBase64Run = 20;

    /// <summary>The longest run or line decoded (longer ones are data, not a credential).</summary>
    public const int MaxRun = 4096;

    private static readonly SearchValues<byte> EscapeStarts = SearchValues.Create("%\\&"u8);

    /// <summary>How long a buffer <see cref="Find(ReadOnlySpan{byte}, List{EncodedSpan}, ref byte[])"/> needs: the budget, plus the last run's overshoot and padding.</summary>
    internal const int BufferLength = MaxDecodedBytesPerChunk + MaxRun + 4;

    /// <summary>Appends the decodable spans of <paramref name="data"/> to <paramref name="output"/>, each decoding in a buffer of its own.</summary>
    public static void Find(ReadOnlySpan<byte> data, List<EncodedSpan> output)
    {
        byte[]? buffer = null;
        Find(data, output, ref buffer);
    }

    /// <summary>
    /// Appends the decodable spans of <paramref name="data"/> to <paramref name="output"/>, their decoded
    /// bytes written one after another into <paramref name="buffer"/> (created on the first kept
    /// decoding, <see cref="BufferLength"/> bytes, and reused by the caller for the next chunk), so a
    /// scan allocates nothing for decoding once its buffer exists.
    /// </summary>
    public static void Find(ReadOnlySpan<byte> data, List<EncodedSpan> output, ref byte[]? buffer) =>
        Find(data, output, ref buffer, markEscapes: true);

    /// <summary>
    /// <see cref="Find(ReadOnlySpan{byte}, List{EncodedSpan}, ref byte[])"/>; with <paramref name="markEscapes"/>,
    /// the base64 pass also marks the 64-byte blocks holding a byte that may start an escape, and the
    /// escape search looks only in those (without, it searches the whole chunk again: the reference
    /// the tests hold the marked search to).
    /// </summary>
    internal static void Find(ReadOnlySpan<byte> data, List<EncodedSpan> output, ref byte[]? buffer, bool markEscapes)
    {
        int used = 0;
        if (!markEscapes)
        {
            FindBase64(data, output, ref buffer, ref used, default);
            FindEscapedLines(data, output, ref buffer, ref used, default);
            return;
        }
        // One bit per 64-byte block: a bitmap word covers 4 KiB; up to 128 KiB on the stack.
        int words = (data.Length + 4095) >> 12;
        ulong[]? rented = null;
        Span<ulong> escapeBlocks = words <= 32 ? stackalloc ulong[32] : (rented = ArrayPool<ulong>.Shared.Rent(words));
        escapeBlocks = escapeBlocks[..words];
        escapeBlocks.Clear();
        try
        {
            FindBase64(data, output, ref buffer, ref used, escapeBlocks);
            // The marks are complete: the base64 pass stops early only when the decoding budget has run
            // out, and then the escape search decodes nothing either.
            FindEscapedLines(data, output, ref buffer, ref used, escapeBlocks);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Maximal runs of at least <see cref="MinBase64Run"/> base64 characters (plus up to two <c>=</c> of
    /// padding), each decoded and kept when it looks like encoded text. <see cref="Base64Runs"/> finds
    /// them 64 bytes at a time, so source code costs a few vector instructions and a few bit operations
    /// per 64 bytes, however many long identifiers (one run of 20 or more every ~160 bytes of kernel C)
    /// it holds. With <paramref name="escapeBlocks"/> (not empty), the blocks that may hold an escape are
    /// marked in it as they are classified.
    /// </summary>
    private static void FindBase64(ReadOnlySpan<byte> data, List<EncodedSpan> output, ref byte[]? buffer, ref int used, Span<ulong> escapeBlocks)
    {
        // Only runs with both letter cases and a digit or symbol, which base64 of text has and
        // identifiers (snake_case, CamelCase words) mostly do not: the look test.
        var runs = new Base64Runs(data, encodedOnly: true, escapeBlocks: escapeBlocks);
        while (used < MaxDecodedBytesPerChunk && runs.MoveNext())
        {
            var (start, end) = runs.Current;
            // Up to two '=' of padding belong to the run; anything after them starts a new one.
            for (int p = 0; p < 2 && end < data.Length && data[end] == '='; p++)
            {
                end++;
            }
            if (end - start > MaxRun)
            {
                continue;
            }
            int written = TryDecodeBase64(data[start..end], ref buffer, used);
            if (written > 0)
            {
                output.Add(new EncodedSpan(start, end, "base64", buffer.AsMemory(used, written)));
                used += written;
            }
        }
    }

    /// <summary>
    /// The maximal runs of at least <see cref="MinBase64Run"/> base64 characters (either alphabet) in a
    /// span, in order, as start and end offsets; with <c>encodedOnly</c>, only the runs that pass the
    /// look test: an upper-case letter, a lower-case letter and a digit, '+' or '/', which base64 of
    /// text has and identifiers mostly do not. Each 64-byte block is classified once, 32 bytes per
    /// vector, into four bit masks (one bit per byte): base64 characters <c>B</c>, upper-case letters <c>U</c>,
    /// lower-case letters <c>L</c> and digits, '+' and '/' <c>O</c>. The runs are the runs of ones in
    /// <c>B</c>, read as one long integer (the blocks its 64-bit words, carries passed from each to the
    /// next). Adding <c>X &amp; B</c> to <c>B</c> carries through each run that holds a bit of <c>X</c>
    /// and sets the zero just past it, so <c>(B + (U&amp;B)) &amp; (B + (L&amp;B)) &amp; (B + (O&amp;B)) &amp; ~B</c>
    /// marks the end of every run that has all three classes: three additions per block, no branch per
    /// run, and runs across blocks need no special case (only one that reaches the end of a data length
    /// divisible by 64, whose end is the last block's carry). Only marked runs reach the length test (of
    /// the kernel tree's 8.3 M runs of 20 or more, 0.85 M are marked). Without <c>encodedOnly</c> all three
    /// class masks are <c>B</c>, which marks the end of every run.
    /// </summary>
    internal ref struct Base64Runs
    {
        private readonly ReadOnlySpan<byte> _data;
        private readonly bool _encodedOnly;
        private readonly bool _vectorised;
        private readonly Span<ulong> _escapeBlocks; // empty, or one bit per 64-byte block: may hold an escape
        private int _next;                 // the next block to classify
        private int _base;                 // the block that _ends and _notBase64 describe
        private ulong _ends;               // in that block, the bit just past each marked run not yet returned
        private ulong _notBase64;          // its non-base64 bits
        private int _startBefore;          // where a run reaching that block's first byte started
        private int _start;                // where a run reaching that block's last byte started
        private ulong _carryU, _carryL, _carryO;

        /// <summary>
        /// Runs of <paramref name="data"/>, from its start; with <paramref name="encodedOnly"/>, only those
        /// that look encoded. <paramref name="vectorised"/> false classifies byte by byte, as on hardware
        /// without AVX2 (tests). <paramref name="escapeBlocks"/>, when not empty (and only with
        /// <paramref name="encodedOnly"/>), gets bit <c>k % 64</c> of word <c>k / 64</c> set for each
        /// 64-byte block <c>k</c> classified that holds a <c>%</c>, <c>\</c> or <c>&amp;</c>, the bytes an
        /// escape starts with (<see cref="NextEscape(ReadOnlySpan{byte}, int, bool)"/>); it needs a word per 4 KiB.
        /// </summary>
        public Base64Runs(ReadOnlySpan<byte> data, bool encodedOnly = false, bool vectorised = true, Span<ulong> escapeBlocks = default)
        {
            if (!escapeBlocks.IsEmpty && (!encodedOnly || escapeBlocks.Length < (data.Length + 4095) >> 12))
            {
                throw new ArgumentException("The escape bitmap needs encodedOnly and a word per 4 KiB of data.", nameof(escapeBlocks));
            }
            _data = data;
            _encodedOnly = encodedOnly;
            _vectorised = vectorised && Avx2.IsSupported;
            _escapeBlocks = escapeBlocks;
        }

        /// <summary>The run found by the last <see cref="MoveNext"/>: its start and the offset just past it.</summary>
        public (int Start, int End) Current { get; private set; }

        /// <summary>Finds the next run; false when there is none.</summary>
        public bool MoveNext()
        {
            while (true)
            {
                while (_ends != 0)
                {
                    int e = BitOperations.TrailingZeroCount(_ends);
                    _ends &= _ends - 1;
                    ulong before = _notBase64 & ((1UL << e) - 1);
                    int s = before == 0 ? _startBefore : _base + 64 - BitOperations.LeadingZeroCount(before);
                    if (_base + e - s >= MinBase64Run)
                    {
                        Current = (s, _base + e);
                        return true;
                    }
                }
                if (_next >= _data.Length)
                {
                    // A run that reaches the end of a whole last block carried out of it.
                    bool last = (_carryU & _carryL & _carryO) != 0 && _data.Length - _start >= MinBase64Run;
                    _carryU = 0;
                    if (last)
                    {
                        Current = (_start, _data.Length);
                    }
                    return last;
                }
                NextMarkedBlock();
            }
        }

        /// <summary>Classifies blocks from <c>_next</c> until one marks a run's end or the data ends.</summary>
        private void NextMarkedBlock()
        {
            if (_vectorised)
            {
                NextMarkedBlock<ByVectors>();
            }
            else
            {
                NextMarkedBlock<ByteByByte>();
            }
        }

        /// <summary>How blocks are classified; a type argument, so that the loop holds no test of it.</summary>
        private interface IClassifier
        {
            /// <summary>By vectors (AVX2), not byte by byte.</summary>
            static abstract bool Vectors { get; }
        }

        private struct ByVectors : IClassifier
        {
            public static bool Vectors => true;
        }

        private struct ByteByByte : IClassifier
        {
            public static bool Vectors => false;
        }

        private void NextMarkedBlock<TClassifier>()
            where TClassifier : struct, IClassifier
        {
            var data = _data;
            ulong cu = _carryU, cl = _carryL, co = _carryO;
            int start = _start, i = _next;
            while (i < data.Length)
            {
                ulong ends, notBase64;
                int startBefore;
                if (TClassifier.Vectors && Avx2.IsSupported && i + 64 <= data.Length)
                {
                    ref readonly var tables = ref ClassTables.Instance;
                    ref ulong escapes = ref MemoryMarshal.GetReference(_escapeBlocks);
                    i = !_encodedOnly
                        ? WholeBlocks<AllRuns>(data, i, tables, ref escapes, ref cu, ref cl, ref co, ref start, out ends, out notBase64, out startBefore)
                        : _escapeBlocks.IsEmpty
                        ? WholeBlocks<LookingEncoded>(data, i, tables, ref escapes, ref cu, ref cl, ref co, ref start, out ends, out notBase64, out startBefore)
                        : WholeBlocks<LookingEncodedMarkingEscapes>(data, i, tables, ref escapes, ref cu, ref cl, ref co, ref start, out ends, out notBase64, out startBefore);
                }
                else
                {
                    // The last block when it is short, or every block byte by byte. Bits past the end
                    // of the data are clear, so only a whole block can carry out.
                    var block = data[i..Math.Min(i + 64, data.Length)];
                    var (b, u, l, o) = ClassifyTail(block, TClassifier.Vectors);
                    if (!_escapeBlocks.IsEmpty && block.ContainsAny(EscapeStarts))
                    {
                        _escapeBlocks[i >> 12] |= 1UL << (i >> 6);
                    }
                    startBefore = start;
                    ends = Step(b, u, l, o, _encodedOnly, ref cu, ref cl, ref co, ref start, i);
                    notBase64 = ~b;
                    i += 64;
                }
                if (ends != 0)
                {
                    _ends = ends;
                    _notBase64 = notBase64;
                    _base = i - 64;
                    _startBefore = startBefore;
                    break;
                }
            }
            _next = i;
            _start = start;
            (_carryU, _carryL, _carryO) = (cu, cl, co);
        }

        /// <summary>
        /// Classifies the whole blocks of <paramref name="data"/> from <paramref name="i"/>, by vectors,
        /// until one marks a run's end (its marks in <paramref name="ends"/>, with what <see cref="MoveNext"/>
        /// needs to find the runs' starts) or no whole block is left (<paramref name="ends"/> 0); returns
        /// the offset past the last block classified. Its own method, without calls, and the tables
        /// passed in rather than written as constants: so its carries and all the tables stay in
        /// registers (in the caller, which calls out for short blocks, the carries were kept on the stack
        /// and each table was loaded again for every block). With <see cref="IMode.MarksEscapes"/>, each
        /// block's bit in the bitmap at <paramref name="escapes"/> is set when the block holds a byte an
        /// escape starts with: the escape search then reads only those blocks, not the whole chunk again.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int WholeBlocks<TMode>(ReadOnlySpan<byte> data, int i, in ClassTables tables, ref ulong escapes, ref ulong carryU, ref ulong carryL, ref ulong carryO,
            ref int runStart, out ulong ends, out ulong notBase64, out int startBefore)
            where TMode : struct, IMode
        {
            ref byte origin = ref MemoryMarshal.GetReference(data);
            var t = tables;
            ulong cu = carryU, cl = carryL, co = carryO;
            int start = runStart, before = start, last = data.Length - 64;
            ulong marked = 0, b = 0;
            while (i <= last)
            {
                var low = Vector256.LoadUnsafe(ref origin, (nuint)(uint)i);
                var high = Vector256.LoadUnsafe(ref origin, (nuint)(uint)i + 32);
                (b, ulong u, ulong l, ulong o) = Classify(low, high, t);
                if (TMode.MarksEscapes)
                {
                    // Blocks are 64-byte aligned (i is a multiple of 64): block i / 64, bit (i / 64) % 64 of word i / 4096.
                    ulong holds = (EscapeStartBytes(low, t.EscapeStarts) | EscapeStartBytes(high, t.EscapeStarts)) == Vector256<byte>.Zero ? 0UL : 1UL;
                    Unsafe.Add(ref escapes, (nint)((uint)i >> 12)) |= holds << (i >> 6);
                }
                before = start;
                marked = Step(b, u, l, o, TMode.EncodedOnly, ref cu, ref cl, ref co, ref start, i);
                i += 64;
                if (marked != 0)
                {
                    break;
                }
            }
            (carryU, carryL, carryO, runStart) = (cu, cl, co, start);
            ends = marked;
            notBase64 = ~b;
            startBefore = before;
            return i;
        }

        /// <summary>
        /// One block at <paramref name="at"/> of the three chains: the bit just past each run that holds
        /// all three classes (every run without <paramref name="encodedOnly"/>), the carries passed on, and
        /// <paramref name="start"/> moved past the block's last non-base64 byte.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Step(ulong b, ulong u, ulong l, ulong o, bool encodedOnly, ref ulong cu, ref ulong cl, ref ulong co, ref int start, int at)
        {
            if (!encodedOnly)
            {
                u = l = o = b;
            }
            ulong ends = Add(b, u, ref cu) & Add(b, l, ref cl) & Add(b, o, ref co) & ~b;
            ulong notBase64 = ~b;
            start = notBase64 == 0 ? start : at + 64 - BitOperations.LeadingZeroCount(notBase64);
            return ends;
        }

        /// <summary>Which runs <see cref="WholeBlocks"/> marks; a type argument, so that its loop holds no test of it.</summary>
        private interface IMode
        {
            /// <summary>Only the runs that look encoded (the look test), not every run.</summary>
            static abstract bool EncodedOnly { get; }

            /// <summary>Also marks the blocks that may hold an escape.</summary>
            static abstract bool MarksEscapes { get; }
        }

        private struct LookingEncoded : IMode
        {
            public static bool EncodedOnly => true;

            public static bool MarksEscapes => false;
        }

        private struct LookingEncodedMarkingEscapes : IMode
        {
            public static bool EncodedOnly => true;

            public static bool MarksEscapes => true;
        }

        private struct AllRuns : IMode
        {
            public static bool EncodedOnly => false;

            public static bool MarksEscapes => false;
        }

        /// <summary>
        /// <paramref name="a"/> + <paramref name="b"/> + <paramref name="carry"/> (0 or 1), and the carry out,
        /// for <paramref name="b"/> a subset of <paramref name="a"/>. The carry out of the top bit is
        /// <c>(a &amp; b) | ((a | b) &amp; ~total)</c> there, which the subset makes <c>b | (a &amp; ~total)</c>:
        /// three operations, no compare.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Add(ulong a, ulong b, ref ulong carry)
        {
            ulong total = a + b + carry;
            carry = (b | (a & ~total)) >> 63;
            return total;
        }
    }

    /// <summary>
    /// Four masks of the (up to) 64 bytes of <paramref name="rest"/> (by vectors when <paramref name="vectorised"/>),
    /// one bit per byte: base64 characters of either alphabet, and the look test's three classes —
    /// upper-case letters, lower-case letters, and digits, '+' and '/'. Bits past the end are clear.
    /// For a last block shorter than 64 bytes, and for every block without vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (ulong Base64, ulong Upper, ulong Lower, ulong Other) ClassifyTail(ReadOnlySpan<byte> rest, bool vectorised)
    {
        var block = rest[..Math.Min(64, rest.Length)];
        if (Avx2.IsSupported && vectorised)
        {
            // Zero bytes are in no class, so a zero-padded copy classifies like the tail itself.
            Span<byte> padded = stackalloc byte[64];
            padded.Clear();
            block.CopyTo(padded);
            ref byte at = ref MemoryMarshal.GetReference(padded);
            return Classify(Vector256.LoadUnsafe(ref at), Vector256.LoadUnsafe(ref at, 32), ClassTables.Instance);
        }
        ulong upper = 0, lower = 0, other = 0, symbol = 0;
        for (int j = 0; j < block.Length; j++)
        {
            byte c = block[j];
            upper |= (IsUpper(c) ? 1UL : 0) << j;
            lower |= (IsLower(c) ? 1UL : 0) << j;
            other |= (IsOther(c) ? 1UL : 0) << j;
            symbol |= (c is (byte)'-' or (byte)'_' ? 1UL : 0) << j;
        }
        return (upper | lower | other | symbol, upper, lower, other);
    }

    /// <summary>
    /// The four masks of <see cref="ClassifyTail"/> for 64 bytes (<paramref name="low"/> the first 32), by
    /// vectors: each byte's class bit (<see cref="ClassBits"/>), then one threshold per mask.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (ulong Base64, ulong Upper, ulong Lower, ulong Other) Classify(Vector256<byte> low, Vector256<byte> high, ClassTables t)
    {
        var c0 = ClassBits(low, t);
        var c1 = ClassBits(high, t);
        ulong olu = AtLeast(c0, c1, t.FromUpper), ol = AtLeast(c0, c1, t.FromLower), o = AtLeast(c0, c1, t.FromOther);
        return (AtLeast(c0, c1, t.FromAny), olu & ~ol, ol & ~o, o);
    }

    /// <summary>
    /// One bit per byte of 64 (<paramref name="low"/> the first 32, <paramref name="high"/> the rest): set
    /// when the byte's class bit is the threshold's class or a later one — the top bit of a saturating
    /// add of <paramref name="threshold"/>, since the class bits are ordered (<see cref="ClassBits"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AtLeast(Vector256<byte> low, Vector256<byte> high, Vector256<byte> threshold) =>
        Avx2.AddSaturate(low, threshold).ExtractMostSignificantBits() | ((ulong)Avx2.AddSaturate(high, threshold).ExtractMostSignificantBits() << 32);

    /// <summary>
    /// Each byte's class as one bit (or none), from two 16-entry tables indexed by its high and low
    /// nibble: a class is a union of rectangles (high nibbles × low nibbles), one bit per rectangle,
    /// and a byte is in a rectangle when both its nibbles' entries hold that bit. The bits are ordered
    /// by class — '-' and '_' 0x01-0x02, upper case 0x04-0x08, lower case 0x10-0x20, digits, '+' and
    /// '/' 0x40-0x80 — so each "this class or a later one" is one threshold (<see cref="AtLeast"/>):
    /// 14 instructions per 32 bytes with the tables in registers, where a compare per range took 23.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> ClassBits(Vector256<byte> v, ClassTables t)
    {
        // Low nibble: bytes of 0x80 and more index with their top bit set, which pshufb reads as zero.
        var low = Avx2.Shuffle(t.LowNibble, v);
        var high = Avx2.Shuffle(t.HighNibble, Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & t.Nibble);
        return low & high;
    }

    /// <summary>The tables and thresholds of <see cref="ClassBits"/> and <see cref="AtLeast"/>, as values a loop can keep in registers.</summary>
    private readonly struct ClassTables
    {
        /// <summary>By low nibble, the rectangles holding it.</summary>
        public Vector256<byte> LowNibble { get; private init; }

        /// <summary>By high nibble, the rectangles holding it.</summary>
        public Vector256<byte> HighNibble { get; private init; }

        /// <summary>0x0F in every byte.</summary>
        public Vector256<byte> Nibble { get; private init; }

        /// <summary>The thresholds: any class (base64), upper case on, lower case on, digits, '+' and '/'.</summary>
        public Vector256<byte> FromAny { get; private init; }

        /// <inheritdoc cref="FromAny"/>
        public Vector256<byte> FromUpper { get; private init; }

        /// <inheritdoc cref="FromAny"/>
        public Vector256<byte> FromLower { get; private init; }

        /// <inheritdoc cref="FromAny"/>
        public Vector256<byte> FromOther { get; private init; }

        /// <summary>The table of <see cref="EscapeStartBytes"/>.</summary>
        public Vector256<byte> EscapeStarts { get; private init; }

        /// <summary>The tables, made once (creating them for each call of the block loop was 0.3 % of a one-rule kernel scan).</summary>
        public static readonly ClassTables Instance = Create();

        /// <summary>The tables.</summary>
        public static ClassTables Create() => new()
        {
            // The rectangles: '-' 0x2D (0x01), '_' 0x5F (0x02), A-O 0x41-0x4F (0x04), P-Z 0x50-0x5A (0x08),
            // a-o 0x61-0x6F (0x10), p-z 0x70-0x7A (0x20), 0-9 0x30-0x39 (0x40), '+' 0x2B and '/' 0x2F
            // (0x80). Both 128-bit lanes hold each table (pshufb looks up within a lane).
            HighNibble = Vector256.Create(
                (byte)0, 0, 0x81, 0x40, 0x04, 0x0A, 0x10, 0x20, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0x81, 0x40, 0x04, 0x0A, 0x10, 0x20, 0, 0, 0, 0, 0, 0, 0, 0),
            LowNibble = Vector256.Create(
                (byte)0x68, 0x7C, 0x7C, 0x7C, 0x7C, 0x7C, 0x7C, 0x7C, 0x7C, 0x7C, 0x3C, 0x94, 0x14, 0x15, 0x14, 0x96,
                0x68, 0x7C, 0x7C, 0x7C, 0x7C, 0x7C, 0x7C, 0x7C, 0x7C, 0x7C, 0x3C, 0x94, 0x14, 0x15, 0x14, 0x96),
            Nibble = Vector256.Create((byte)0x0F),
            FromAny = Vector256.Create((byte)0x7F),
            FromUpper = Vector256.Create((byte)0x7C),
            FromLower = Vector256.Create((byte)0x70),
            FromOther = Vector256.Create((byte)0x40),
            EscapeStarts = EscapeStartTable(),
        };
    }

    private static bool IsUpper(byte c) => c is >= (byte)'A' and <= (byte)'Z';

    private static bool IsLower(byte c) => c is >= (byte)'a' and <= (byte)'z';

    private static bool IsOther(byte c) => c is (>= (byte)'0' and <= (byte)'9') or (byte)'+' or (byte)'/';

    /// <summary>
    /// Decodes a base64 run (standard or URL-safe alphabet, padding optional) into <paramref name="buffer"/>
    /// at <paramref name="at"/> and returns how many bytes it wrote when they are text (<see cref="Printable"/>),
    /// else 0 (nothing it wrote counts). The run is normalised and decoded in place on a stack copy
    /// (runs are at most <see cref="MaxRun"/> bytes) and only text is copied out: in source code most
    /// candidates decode to binary noise, and the buffer is made only when the first one does not.
    /// </summary>
    private static int TryDecodeBase64(ReadOnlySpan<byte> run, ref byte[]? buffer, int at)
    {
        var text = run.TrimEnd((byte)'=');
        if (text.Length % 4 == 1)
        {
            return 0;
        }
        // Most candidates in source code are identifiers that decode to binary noise: their first six
        // bytes usually hold more than the tenth of non-text bytes the whole may have, which settles it
        // before the run's alphabet is checked and it is copied, normalised and decoded (the answer is
        // the same: no text; a run mixing the alphabets is dropped either way).
        int decodedLength = text.Length / 4 * 3 + Math.Max(0, text.Length % 4 - 1);
        if (LeadingNonText(text) * 10 > decodedLength)
        {
            return 0;
        }
        bool urlSafe = text.IndexOfAny("-_"u8) >= 0;
        if (urlSafe && text.IndexOfAny("+/"u8) >= 0)
        {
            return 0;
        }
        // Normalise to padded standard base64.
        int padded = (text.Length + 3) / 4 * 4;
        // As long as the run, not MaxRun: a stack buffer is zeroed on entry, and most runs are under
        // 64 bytes (zeroing 4 KiB for each of the ~0.9 M candidates of the kernel tree was 1.3% of a scan).
        Span<byte> work = padded <= MaxRun + 4 ? stackalloc byte[padded] : new byte[padded];
        text.CopyTo(work);
        if (urlSafe)
        {
            work[..text.Length].Replace((byte)'-', (byte)'+');
            work[..text.Length].Replace((byte)'_', (byte)'/');
        }
        work[text.Length..].Fill((byte)'=');
        if (Base64.DecodeFromUtf8InPlace(work, out int written) != OperationStatus.Done || written == 0
            || !Printable(work[..written]))
        {
            return 0;
        }
        buffer ??= new byte[BufferLength];
        work[..written].CopyTo(buffer.AsSpan(at));
        return written;
    }

    /// <summary>
    /// How many of the (up to) six bytes the first eight characters of <paramref name="text"/> (base64,
    /// either alphabet, at least four characters) decode to are not text for <see cref="Printable"/>; a
    /// NUL counts as more than any run may hold.
    /// </summary>
    private static int LeadingNonText(ReadOnlySpan<byte> text)
    {
        int count = 0;
        for (int g = 0; g + 4 <= Math.Min(8, text.Length); g += 4)
        {
            int s0 = Sextet(text[g]), s1 = Sextet(text[g + 1]), s2 = Sextet(text[g + 2]), s3 = Sextet(text[g + 3]);
            int a = (s0 << 2) | (s1 >> 4), b = ((s1 & 15) << 4) | (s2 >> 2), c = ((s2 & 3) << 6) | s3;
            if (a == 0 || b == 0 || c == 0)
            {
                return MaxRun;
            }
            count += (IsText((byte)a) ? 0 : 1) + (IsText((byte)b) ? 0 : 1) + (IsText((byte)c) ? 0 : 1);
        }
        return count;
    }

    /// <summary>The value of a base64 character of either alphabet (63 for any other byte), by table: the switch it replaced was a chain of compares for each of the ~0.9 M candidates of a kernel scan.</summary>
    private static int Sextet(byte c) => SextetTable[c];

    /// <summary>By byte: its value as a base64 character of either alphabet, and 63 for any other byte.</summary>
    private static ReadOnlySpan<byte> SextetTable =>
    [
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 62, 63, 62, 63, 63, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 63, 63, 63, 63, 63, 63,
        63, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 63, 63, 63, 63, 63,
        63, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 63, 63, 63, 63, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    ];

    /// <summary>At least 90 % printable ASCII (and tab, CR, LF) and no NUL: text, not binary data.</summary>
    private static bool Printable(ReadOnlySpan<byte> bytes)
    {
        int printable = 0;
        foreach (byte b in bytes)
        {
            if (b == 0)
            {
                return false;
            }
            if (IsText(b))
            {
                printable++;
            }
        }
        return printable * 10 >= bytes.Length * 9;
    }

    /// <summary>Printable ASCII, tab, CR or LF: what <see cref="Printable"/> counts as text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsText(byte b) => (uint)(b - 0x20) < 0x5F || (b < 14 && ((0x2600 >> b) & 1) != 0); // 0x2600: bits 9, 10 and 13, tab, LF and CR

    /// <summary>
    /// Lines holding <c>%XX</c>, <c>\uXXXX</c>, <c>\xXX</c> or <c>&amp;#…;</c>, decoded whole. Each
    /// <c>%</c>, <c>\</c> or <c>&amp;</c> is checked where it stands (<see cref="IsEscapeAt"/>) before its
    /// line is looked for, so the many in C and shell that escape nothing (<c>printf("%s\n")</c>,
    /// <c>a &amp;&amp; b</c>) cost a vector search and a few byte comparisons each. With
    /// <paramref name="escapeBlocks"/> (the base64 pass's marks, <see cref="Base64Runs"/>), only the marked
    /// 64-byte blocks are searched: in source code, about one in ten.
    /// </summary>
    private static void FindEscapedLines(ReadOnlySpan<byte> data, List<EncodedSpan> output, ref byte[]? buffer, ref int used, ReadOnlySpan<ulong> escapeBlocks)
    {
        int i = 0;
        while (i < data.Length && used < MaxDecodedBytesPerChunk)
        {
            int at = escapeBlocks.IsEmpty ? NextEscape(data, i) : NextMarkedEscape(data, i, escapeBlocks);
            if (at < 0)
            {
                return;
            }
            int lineStart = data[..at].LastIndexOf((byte)'\n') + 1;
            int nl = data[at..].IndexOf((byte)'\n');
            int lineEnd = nl < 0 ? data.Length : at + nl;
            i = lineEnd + 1;
            var line = data[lineStart..lineEnd];
            if (line.Length > MaxRun)
            {
                continue;
            }
            buffer ??= new byte[BufferLength];
            var (written, kind) = Unescape(line, buffer.AsSpan(used));
            if (written >= 0)
            {
                output.Add(new EncodedSpan(lineStart, lineEnd, kind, buffer.AsMemory(used, written)));
                used += written;
            }
        }
    }

    /// <summary>
    /// The first offset at or after <paramref name="from"/> where an escape stands (<see cref="IsEscapeAt"/>),
    /// or -1. Vectorised on the escape's first two bytes (<c>%</c> then <c>2</c>-<c>7</c>, <c>\</c> then
    /// <c>x</c> or <c>u</c>, <c>&amp;</c> then <c>#</c>), so C's <c>\n</c>, <c>&amp;&amp;</c>, <c>&amp;x</c> and
    /// <c>%d</c> (one byte in 360 of the kernel tree) never leave the vector loop; the second byte is
    /// looked at only in the 32-byte blocks that hold a first one. <paramref name="vectorised"/> false
    /// searches byte by byte, as on hardware without AVX2 (tests).
    /// </summary>
    internal static int NextEscape(ReadOnlySpan<byte> data, int from, bool vectorised = true) => NextEscape(data, from, data.Length, vectorised);

    /// <summary>
    /// <see cref="NextEscape(ReadOnlySpan{byte}, int, bool)"/> in the 64-byte blocks marked in
    /// <paramref name="escapeBlocks"/> (bit <c>k % 64</c> of word <c>k / 64</c> for block <c>k</c>), which
    /// must include every block holding a <c>%</c>, <c>\</c> or <c>&amp;</c>: the same answer, without
    /// reading the others.
    /// </summary>
    internal static int NextMarkedEscape(ReadOnlySpan<byte> data, int from, ReadOnlySpan<ulong> escapeBlocks, bool vectorised = true)
    {
        int block = from >> 6;
        while (true)
        {
            int word = block >> 6;
            if (word >= escapeBlocks.Length)
            {
                return -1;
            }
            ulong marks = escapeBlocks[word] & (ulong.MaxValue << block);
            if (marks == 0)
            {
                block = (word + 1) << 6;
                continue;
            }
            block = (word << 6) + BitOperations.TrailingZeroCount(marks);
            int blockStart = block << 6;
            if (blockStart >= data.Length)
            {
                return -1;
            }
            if (vectorised && Avx2.IsSupported && blockStart + 65 <= data.Length)
            {
                // The block holds a first byte: both halves' pairs at once, no test of the first bytes alone.
                ref byte origin = ref MemoryMarshal.GetReference(data);
                ulong pairs = EscapePairs(Vector256.LoadUnsafe(ref origin, (nuint)blockStart), Vector256.LoadUnsafe(ref origin, (nuint)blockStart + 1)).ExtractMostSignificantBits()
                    | ((ulong)EscapePairs(Vector256.LoadUnsafe(ref origin, (nuint)blockStart + 32), Vector256.LoadUnsafe(ref origin, (nuint)blockStart + 33)).ExtractMostSignificantBits() << 32);
                // Only from 'from' on (a shift of 0 when the block starts after it).
                for (pairs &= ulong.MaxValue << Math.Max(0, from - blockStart); pairs != 0; pairs &= pairs - 1)
                {
                    int candidate = blockStart + BitOperations.TrailingZeroCount(pairs);
                    if (IsEscapeAt(data[candidate..]))
                    {
                        return candidate;
                    }
                }
            }
            else
            {
                int at = NextEscape(data, Math.Max(from, blockStart), Math.Min(data.Length, blockStart + 64), vectorised);
                if (at >= 0)
                {
                    return at;
                }
            }
            block++;
        }
    }

    /// <summary>The first escape at or after <paramref name="from"/> and before <paramref name="limit"/>, or -1 (the bytes after <paramref name="limit"/> may complete it).</summary>
    private static int NextEscape(ReadOnlySpan<byte> data, int from, int limit, bool vectorised)
    {
        int i = from;
        if (Avx2.IsSupported && vectorised)
        {
            var starts = EscapeStartTable();
            ref byte origin = ref MemoryMarshal.GetReference(data);
            for (; i + 32 <= limit && i + 33 <= data.Length; i += 32)
            {
                var v = Vector256.LoadUnsafe(ref origin, (nuint)i);
                // 94 % of the kernel tree's 32-byte blocks hold none of the three: no second load.
                if (EscapeStartBytes(v, starts) == Vector256<byte>.Zero)
                {
                    continue;
                }
                for (uint bits = EscapePairs(v, Vector256.LoadUnsafe(ref origin, (nuint)i + 1)).ExtractMostSignificantBits(); bits != 0; bits &= bits - 1)
                {
                    int at = i + BitOperations.TrailingZeroCount(bits);
                    if (IsEscapeAt(data[at..]))
                    {
                        return at;
                    }
                }
            }
        }
        // The tail (and hardware without vectors): each candidate byte where it stands.
        while (i < limit)
        {
            int at = data[i..limit].IndexOfAny(EscapeStarts);
            if (at < 0)
            {
                return -1;
            }
            at += i;
            if (IsEscapeAt(data[at..]))
            {
                return at;
            }
            i = at + 1;
        }
        return -1;
    }


    /// <summary>
    /// The bytes of <paramref name="v"/> that may start an escape (<c>%</c>, <c>&amp;</c>, <c>\</c>) as all
    /// ones, the others zero, by one table lookup (<paramref name="table"/>, <see cref="EscapeStartTable"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> EscapeStartBytes(Vector256<byte> v, Vector256<byte> table) => Vector256.Equals(Avx2.Shuffle(table, v), v);

    /// <summary>
    /// The bytes of <paramref name="v"/> that start an escape's first two bytes (<c>%</c> then <c>2</c>-<c>7</c>,
    /// <c>\</c> then <c>x</c> or <c>u</c>, <c>&amp;</c> then <c>#</c>) as all ones, <paramref name="next"/>
    /// being the 32 bytes one further on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> EscapePairs(Vector256<byte> v, Vector256<byte> next) =>
        (Vector256.Equals(v, Vector256.Create((byte)'%')) & Vector256.LessThan(next - Vector256.Create((byte)'2'), Vector256.Create((byte)6)))
        | (Vector256.Equals(v, Vector256.Create((byte)'\\')) & (Vector256.Equals(next, Vector256.Create((byte)'x')) | Vector256.Equals(next, Vector256.Create((byte)'u'))))
        | (Vector256.Equals(v, Vector256.Create((byte)'&')) & Vector256.Equals(next, Vector256.Create((byte)'#')));

    /// <summary>
    /// The table of <see cref="EscapeStartBytes"/>, indexed by low nibble: '%' 0x25, '&amp;' 0x26 and '\'
    /// 0x5C are the entries at 5, 6 and 12, and a byte equals its entry only if it is one of them (the
    /// other entries have the top bit set, and bytes with it set look up zero).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> EscapeStartTable() => Vector256.Create(
        (byte)0x80, 0x80, 0x80, 0x80, 0x80, 0x25, 0x26, 0x80, 0x80, 0x80, 0x80, 0x80, 0x5C, 0x80, 0x80, 0x80,
        0x80, 0x80, 0x80, 0x80, 0x80, 0x25, 0x26, 0x80, 0x80, 0x80, 0x80, 0x80, 0x5C, 0x80, 0x80, 0x80);

    /// <summary>
    /// Whether <paramref name="rest"/> starts with an escape that decodes to a printable ASCII character.
    /// URL encoders write upper-case hex (<c>%3D</c>, <c>%5F</c>); printf's <c>%2d</c>, <c>%4x</c> are not escapes.
    /// </summary>
    private static bool IsEscapeAt(ReadOnlySpan<byte> rest) => rest[0] switch
    {
        (byte)'%' => rest.Length >= 3 && rest[1] is >= (byte)'2' and <= (byte)'7' && IsUpperHex(rest[2]),
        (byte)'\\' => rest.Length >= 4 && ((rest[1] == 'x' && rest[2] is >= (byte)'2' and <= (byte)'7' && IsHex(rest[3]))
            || (rest.Length >= 6 && rest[1] == 'u' && rest[2] == '0' && rest[3] == '0' && rest[4] is >= (byte)'2' and <= (byte)'7' && IsHex(rest[5]))),
        _ => rest.Length >= 4 && rest[1] == '#',
    };

    private static bool IsUpperHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'A' and <= (byte)'F');

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F');

    /// <summary>
    /// Writes <paramref name="line"/> with its escapes decoded to <paramref name="output"/> (at least as
    /// long as the line: every escape is longer than the character it stands for, and every other byte
    /// is copied as it is) and returns how many bytes it wrote, or -1 when the line holds no escape that
    /// decodes to printable ASCII; the kind is <c>percent</c> once a <c>%XX</c> was decoded, else <c>escape</c>.
    /// </summary>
    internal static (int Written, string Kind) Unescape(ReadOnlySpan<byte> line, Span<byte> output)
    {
        int w = 0;
        bool changed = false;
        string kind = "escape";
        for (int k = 0; k < line.Length; k++)
        {
            byte c = line[k];
            if (c == '%' && k + 2 < line.Length && !char.IsAsciiLetterLower((char)line[k + 2]) && Hex(line.Slice(k + 1, 2), out int pv) && pv is >= 0x20 and < 0x7F)
            {
                output[w++] = (byte)pv;
                k += 2;
                changed = true;
                kind = "percent";
                continue;
            }
            if (c == '\\' && k + 1 < line.Length)
            {
                byte n = line[k + 1];
                if (n == 'u' && k + 5 < line.Length && Hex(line.Slice(k + 2, 4), out int uv) && uv is >= 0x20 and < 0x7F)
                {
                    output[w++] = (byte)uv;
                    k += 5;
                    changed = true;
                    continue;
                }
                if (n == 'x' && k + 3 < line.Length && Hex(line.Slice(k + 2, 2), out int xv) && xv is >= 0x20 and < 0x7F)
                {
                    output[w++] = (byte)xv;
                    k += 3;
                    changed = true;
                    continue;
                }
            }
            if (c == '&' && k + 3 < line.Length && line[k + 1] == '#')
            {
                int semi = line[(k + 2)..].IndexOf((byte)';');
                if (semi > 0 && semi + 2 <= 8)
                {
                    var num = line.Slice(k + 2, semi);
                    bool ok = num[0] is (byte)'x' or (byte)'X' ? Hex(num[1..], out int ev) : Decimal(num, out ev);
                    if (ok && ev is >= 0x20 and < 0x7F)
                    {
                        output[w++] = (byte)ev;
                        k += 2 + semi;
                        changed = true;
                        continue;
                    }
                }
            }
            output[w++] = c;
        }
        return changed ? (w, kind) : (-1, kind);
    }

    /// <summary>The value of 1 to 8 hex digits (either case), nothing else.</summary>
    private static bool Hex(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 8)
        {
            return false;
        }
        foreach (byte b in s)
        {
            int d = b is >= (byte)'0' and <= (byte)'9' ? b - '0' : (b | 0x20) is >= 'a' and <= 'f' ? (b | 0x20) - 'a' + 10 : -1;
            if (d < 0)
            {
                return false;
            }
            value = (value << 4) | d;
        }
        return true;
    }

    /// <summary>The value of 1 to 6 decimal digits, nothing else.</summary>
    private static bool Decimal(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 6)
        {
            return false;
        }
        foreach (byte b in s)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            value = value * 10 + (b - '0');
        }
        return true;
    }
}
