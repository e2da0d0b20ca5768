using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace SecretHook.Core.Detection;

/// <summary>One stretch of encoded text and what it decodes to.</summary>
/// <param name="Start">Byte offset of the encoded text in the chunk.</param>
/// <param name="End">Byte offset just past it.</param>
/// <param name="Kind">How it was encoded: <c>base64</c>, <c>percent</c> or <c>escape</c>.</param>
/// <param name="Decoded">The decoded bytes.</param>
public readonly record struct EncodedSpan(int Start, int End, string Kind, byte[] Decoded);

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

    /// <summary>Appends the decodable spans of <paramref name="data"/> to <paramref name="output"/>.</summary>
    public static void Find(ReadOnlySpan<byte> data, List<EncodedSpan> output)
    {
        int budget = MaxDecodedBytesPerChunk;
        FindBase64(data, output, ref budget);
        FindEscapedLines(data, output, ref budget);
    }

    private static readonly bool[] IsBase64Char = BuildTable();

    /// <summary>Both base64 alphabets: standard (<c>+/</c>) and URL-safe (<c>-_</c>).</summary>
    private static ReadOnlySpan<byte> Base64Alphabet => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"u8;

    private static bool[] BuildTable()
    {
        var table = new bool[256];
        foreach (byte b in Base64Alphabet)
        {
            table[b] = true;
        }
        return table;
    }

    /// <summary>
    /// Maximal runs of at least <see cref="MinBase64Run"/> base64 characters (plus up to two <c>=</c> of
    /// padding), each decoded and kept when it looks like encoded text. <see cref="Base64Runs"/> finds
    /// the runs 64 bytes at a time, so source code (short identifiers between operators) costs a few
    /// vector instructions per 64 bytes, and the many long identifiers (one run of 20 or more every
    /// ~160 bytes of kernel C) cost a few bit operations each.
    /// </summary>
    private static void FindBase64(ReadOnlySpan<byte> data, List<EncodedSpan> output, ref int budget)
    {
        // Only runs with both letter cases and a digit or symbol, which base64 of text has and
        // identifiers (snake_case, CamelCase words) mostly do not (see LooksEncoded).
        var runs = new Base64Runs(data, encodedOnly: true);
        while (budget > 0 && runs.MoveNext())
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
            var run = data[start..end];
            if (TryDecodeBase64(run, out byte[]? decoded))
            {
                budget -= decoded.Length;
                output.Add(new EncodedSpan(start, end, "base64", decoded));
            }
        }
    }

    /// <summary>
    /// The maximal runs of at least <see cref="MinBase64Run"/> base64 characters (either alphabet) in a
    /// span, in order, as start and end offsets. Each 64-byte block becomes a bit mask of base64
    /// characters (<see cref="BlockMask"/>); the runs that lie inside the block are the bits set in the mask
    /// ANDed with itself shifted 1 to 19 places (five shifts by doubling), taken one by one, and a run that
    /// reaches the block's end is carried into the next block. Every byte is classified once, whatever
    /// the number of runs. With <c>encodedOnly</c>, only the runs <see cref="LooksEncoded"/> accepts are
    /// returned: a block with a run inside it is classified a second time into upper-case, lower-case
    /// and digit-or-symbol masks, so each such run is tested with three ANDs instead of a call, and a
    /// run that crosses blocks is tested by <see cref="LooksEncoded"/> itself.
    /// </summary>
    internal ref struct Base64Runs
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _next;      // the next block to classify
        private int _base;      // the block that _starts and _inner describe
        private ulong _starts;  // starts of the runs inside that block not yet returned
        private ulong _inner;   // its base64 bits, without the run carried in or out
        private int _open = -1; // start of a run that reached the end of the last block classified
        private readonly bool _encodedOnly;
        private ulong _upper, _lower, _other; // that block's classes, when _encodedOnly and it has runs

        /// <summary>Runs of <paramref name="data"/>, from its start; with <paramref name="encodedOnly"/>, only those that look encoded.</summary>
        public Base64Runs(ReadOnlySpan<byte> data, bool encodedOnly = false)
        {
            _data = data;
            _encodedOnly = encodedOnly;
        }

        /// <summary>The run found by the last <see cref="MoveNext"/>: its start and the offset just past it.</summary>
        public (int Start, int End) Current { get; private set; }

        /// <summary>Finds the next run; false when there is none.</summary>
        public bool MoveNext()
        {
            while (true)
            {
                if (_starts != 0)
                {
                    int s = BitOperations.TrailingZeroCount(_starts);
                    _starts &= _starts - 1;
                    int e = BitOperations.TrailingZeroCount(~_inner & (ulong.MaxValue << s));
                    // e < 64: a run that reaches the block's end is carried, not in _inner.
                    ulong range = ((1UL << e) - 1) & (ulong.MaxValue << s);
                    if (_encodedOnly && ((_upper & range) == 0 || (_lower & range) == 0 || (_other & range) == 0))
                    {
                        continue;
                    }
                    Current = (_base + s, _base + e);
                    return true;
                }
                if (_next >= _data.Length)
                {
                    if (_open >= 0 && _data.Length - _open >= MinBase64Run && (!_encodedOnly || LooksEncoded(_data[_open..])))
                    {
                        Current = (_open, _data.Length);
                        _open = -1;
                        return true;
                    }
                    return false;
                }
                int i = _next;
                _next += 64;
                // Bits past the end of the data are clear, so only a full block can end inside a run.
                ulong m = BlockMask(_data, i);
                int lead = BitOperations.TrailingZeroCount(~m);
                int carried = -1;
                if (_open >= 0)
                {
                    if (lead == 64)
                    {
                        continue;
                    }
                    carried = _open;
                    _open = -1;
                    m &= ulong.MaxValue << lead;
                }
                ulong inner = m;
                if ((long)m < 0)
                {
                    int top = 64 - BitOperations.LeadingZeroCount(~m);
                    _open = i + top;
                    inner = m & ((1UL << top) - 1);
                }
                ulong r2 = inner & (inner >> 1), r4 = r2 & (r2 >> 2), r8 = r4 & (r4 >> 4), r16 = r8 & (r8 >> 8);
                ulong r20 = r16 & (r4 >> 16);
                _starts = r20 & ~(r20 << 1);
                _inner = inner;
                _base = i;
                if (_encodedOnly && _starts != 0)
                {
                    (_upper, _lower, _other) = ClassMasks(_data, i);
                }
                if (carried >= 0 && i + lead - carried >= MinBase64Run
                    && (!_encodedOnly || LooksEncoded(_data[carried..(i + lead)])))
                {
                    Current = (carried, i + lead);
                    return true;
                }
            }
        }
    }

    /// <summary>
    /// Three masks of the (up to) 64 bytes at <paramref name="at"/>, one bit per byte, for
    /// <see cref="LooksEncoded"/>'s three classes: upper-case letters, lower-case letters, and digits,
    /// '+' and '/'.
    /// </summary>
    private static (ulong Upper, ulong Lower, ulong Other) ClassMasks(ReadOnlySpan<byte> data, int at)
    {
        if (Avx2.IsSupported && at + 64 <= data.Length)
        {
            ref byte origin = ref MemoryMarshal.GetReference(data);
            var (u0, l0, o0) = ClassMasks(Vector256.LoadUnsafe(ref origin, (nuint)at));
            var (u1, l1, o1) = ClassMasks(Vector256.LoadUnsafe(ref origin, (nuint)at + 32));
            return (u0 | ((ulong)u1 << 32), l0 | ((ulong)l1 << 32), o0 | ((ulong)o1 << 32));
        }
        var block = data.Slice(at, Math.Min(64, data.Length - at));
        ulong upper = 0, lower = 0, other = 0;
        for (int j = 0; j < block.Length; j++)
        {
            byte b = block[j];
            upper |= (b is >= (byte)'A' and <= (byte)'Z' ? 1UL : 0) << j;
            lower |= (b is >= (byte)'a' and <= (byte)'z' ? 1UL : 0) << j;
            other |= (b is >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/' ? 1UL : 0) << j;
        }
        return (upper, lower, other);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (uint Upper, uint Lower, uint Other) ClassMasks(Vector256<byte> v)
    {
        var upper = Vector256.LessThanOrEqual(v - Vector256.Create((byte)'A'), Vector256.Create((byte)25));
        var lower = Vector256.LessThanOrEqual(v - Vector256.Create((byte)'a'), Vector256.Create((byte)25));
        var other = Vector256.LessThanOrEqual(v - Vector256.Create((byte)'0'), Vector256.Create((byte)9))
            | Vector256.Equals(v, Vector256.Create((byte)'+')) | Vector256.Equals(v, Vector256.Create((byte)'/'));
        return (upper.ExtractMostSignificantBits(), lower.ExtractMostSignificantBits(), other.ExtractMostSignificantBits());
    }

    /// <summary>One bit per byte of the (up to) 64 bytes at <paramref name="at"/>: set where the byte is a base64 character.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BlockMask(ReadOnlySpan<byte> data, int at)
    {
        if (Avx2.IsSupported && at + 64 <= data.Length)
        {
            ref byte origin = ref MemoryMarshal.GetReference(data);
            return Base64Mask(Vector256.LoadUnsafe(ref origin, (nuint)at))
                | ((ulong)Base64Mask(Vector256.LoadUnsafe(ref origin, (nuint)at + 32)) << 32);
        }
        // The tail (and hardware without AVX2): byte by byte.
        var table = IsBase64Char;
        var block = data.Slice(at, Math.Min(64, data.Length - at));
        ulong mask = 0;
        for (int j = 0; j < block.Length; j++)
        {
            mask |= (table[block[j]] ? 1UL : 0) << j;
        }
        return mask;
    }

    /// <summary>
    /// One bit per byte of <paramref name="v"/>: set where the byte is a base64 character (either
    /// alphabet). Two table look-ups, by the low and the high nibble, whose ANDed class bits are non-zero
    /// exactly for base64 characters: 1 '+' '-' '/', 2 digits, 4 A-O a-o, 8 P-Z p-z, 16 '_'.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Base64Mask(Vector256<byte> v)
    {
        var byLow = Vector256.Create(
            (byte)0x0A, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0C, 0x05, 0x04, 0x05, 0x04, 0x15,
            0x0A, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0C, 0x05, 0x04, 0x05, 0x04, 0x15);
        var byHigh = Vector256.Create(
            (byte)0, 0, 0x01, 0x02, 0x04, 0x18, 0x04, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0x01, 0x02, 0x04, 0x18, 0x04, 0x08, 0, 0, 0, 0, 0, 0, 0, 0);
        var nibble = Vector256.Create((byte)0x0F);
        var classes = Avx2.Shuffle(byLow, v & nibble) & Avx2.Shuffle(byHigh, Vector256.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & nibble);
        return ~Vector256.Equals(classes, Vector256<byte>.Zero).ExtractMostSignificantBits();
    }

    /// <summary>
    /// Whether <paramref name="run"/> has an upper-case letter, a lower-case letter and a digit, '+'
    /// or '/'. Most runs in source code are long identifiers (<c>static_branch_unlikely</c>), which fail,
    /// so this is asked of a large share of all bytes: 16 at a time, the last load overlapping the one
    /// before it (runs are at least <see cref="MinBase64Run"/> long, and most are under 32 bytes, so
    /// wider vectors would not pay).
    /// </summary>
    internal static bool LooksEncoded(ReadOnlySpan<byte> run)
    {
        if (!Vector128.IsHardwareAccelerated || run.Length < 16)
        {
            return LooksEncodedScalar(run);
        }
        ref byte origin = ref MemoryMarshal.GetReference(run);
        Vector128<byte> upper = default, lower = default, other = default;
        for (int i = 0; ; i += 16)
        {
            var v = Vector128.LoadUnsafe(ref origin, (nuint)Math.Min(i, run.Length - 16));
            upper |= Vector128.LessThanOrEqual(v - Vector128.Create((byte)'A'), Vector128.Create((byte)25));
            lower |= Vector128.LessThanOrEqual(v - Vector128.Create((byte)'a'), Vector128.Create((byte)25));
            other |= Vector128.LessThanOrEqual(v - Vector128.Create((byte)'0'), Vector128.Create((byte)9))
                | Vector128.Equals(v, Vector128.Create((byte)'+')) | Vector128.Equals(v, Vector128.Create((byte)'/'));
            if (i + 16 >= run.Length)
            {
                return upper != Vector128<byte>.Zero && lower != Vector128<byte>.Zero && other != Vector128<byte>.Zero;
            }
        }
    }

    /// <summary>The reference for <see cref="LooksEncoded"/>, one byte at a time.</summary>
    internal static bool LooksEncodedScalar(ReadOnlySpan<byte> run)
    {
        bool upper = false, lower = false, other = false;
        foreach (byte b in run)
        {
            upper |= b is >= (byte)'A' and <= (byte)'Z';
            lower |= b is >= (byte)'a' and <= (byte)'z';
            other |= b is (>= (byte)'0' and <= (byte)'9') or (byte)'+' or (byte)'/';
        }
        return upper && lower && other;
    }

    /// <summary>
    /// Decodes a base64 run (standard or URL-safe alphabet, padding optional) and returns the bytes when
    /// they are text (<see cref="Printable"/>). The run is normalised and decoded in place in a stack
    /// buffer (runs are at most <see cref="MaxRun"/> bytes), so only a decoding that is kept allocates:
    /// in source code most candidates decode to binary noise.
    /// </summary>
    private static bool TryDecodeBase64(ReadOnlySpan<byte> run, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? decoded)
    {
        decoded = null;
        var text = run.TrimEnd((byte)'=');
        if (text.Length % 4 == 1)
        {
            return false;
        }
        bool urlSafe = text.IndexOfAny("-_"u8) >= 0;
        if (urlSafe && text.IndexOfAny("+/"u8) >= 0)
        {
            return false;
        }
        // Normalise to padded standard base64.
        int padded = (text.Length + 3) / 4 * 4;
        // As long as the run, not MaxRun: a stack buffer is zeroed on entry, and most runs are under
        // 64 bytes (zeroing 4 KiB for each of the ~0.9 M candidates of the kernel tree was 1.3% of a scan).
        Span<byte> buffer = padded <= MaxRun + 4 ? stackalloc byte[padded] : new byte[padded];
        text.CopyTo(buffer);
        if (urlSafe)
        {
            buffer[..text.Length].Replace((byte)'-', (byte)'+');
            buffer[..text.Length].Replace((byte)'_', (byte)'/');
        }
        buffer[text.Length..].Fill((byte)'=');
        if (Base64.DecodeFromUtf8InPlace(buffer, out int written) != OperationStatus.Done || written == 0
            || !Printable(buffer[..written]))
        {
            return false;
        }
        decoded = buffer[..written].ToArray();
        return true;
    }

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
            if (b is >= 0x20 and < 0x7F or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                printable++;
            }
        }
        return printable * 10 >= bytes.Length * 9;
    }

    /// <summary>
    /// Lines holding <c>%XX</c>, <c>\uXXXX</c>, <c>\xXX</c> or <c>&amp;#…;</c>, decoded whole. Each
    /// <c>%</c>, <c>\</c> or <c>&amp;</c> is checked where it stands (<see cref="IsEscapeAt"/>) before its
    /// line is looked for, so the many in C and shell that escape nothing (<c>printf("%s\n")</c>,
    /// <c>a &amp;&amp; b</c>) cost a vector search and a few byte comparisons each.
    /// </summary>
    private static void FindEscapedLines(ReadOnlySpan<byte> data, List<EncodedSpan> output, ref int budget)
    {
        int i = 0;
        while (i < data.Length && budget > 0)
        {
            int at = NextEscape(data, i);
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
            var (decoded, kind) = Unescape(line);
            if (decoded is not null)
            {
                budget -= decoded.Length;
                output.Add(new EncodedSpan(lineStart, lineEnd, kind, decoded));
            }
        }
    }

    /// <summary>
    /// The first offset at or after <paramref name="from"/> where an escape stands (<see cref="IsEscapeAt"/>),
    /// or -1. Vectorised on the escape's first two bytes (<c>%</c> then <c>2</c>-<c>7</c>, <c>\</c> then
    /// <c>x</c> or <c>u</c>, <c>&amp;</c> then <c>#</c>), so C's <c>\n</c>, <c>&amp;&amp;</c>, <c>&amp;x</c> and
    /// <c>%d</c> (one byte in 360 of the kernel tree) never leave the vector loop.
    /// </summary>
    internal static int NextEscape(ReadOnlySpan<byte> data, int from)
    {
        int i = from;
        if (Vector256.IsHardwareAccelerated)
        {
            ref byte origin = ref MemoryMarshal.GetReference(data);
            for (; i + 33 <= data.Length; i += 32)
            {
                var v = Vector256.LoadUnsafe(ref origin, (nuint)i);
                var w = Vector256.LoadUnsafe(ref origin, (nuint)i + 1);
                var hit = (Vector256.Equals(v, Vector256.Create((byte)'%'))
                        & Vector256.LessThan(w - Vector256.Create((byte)'2'), Vector256.Create((byte)6)))
                    | (Vector256.Equals(v, Vector256.Create((byte)'\\'))
                        & (Vector256.Equals(w, Vector256.Create((byte)'x')) | Vector256.Equals(w, Vector256.Create((byte)'u'))))
                    | (Vector256.Equals(v, Vector256.Create((byte)'&')) & Vector256.Equals(w, Vector256.Create((byte)'#')));
                for (uint bits = hit.ExtractMostSignificantBits(); bits != 0; bits &= bits - 1)
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
        while (i < data.Length)
        {
            int at = data[i..].IndexOfAny(EscapeStarts);
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

    /// <summary>The line with its escapes decoded, or null when it holds none that decode to ASCII.</summary>
    internal static (byte[]? Decoded, string Kind) Unescape(ReadOnlySpan<byte> line)
    {
        var sb = new StringBuilder(line.Length);
        string text = Encoding.UTF8.GetString(line);
        bool changed = false;
        string kind = "escape";
        for (int k = 0; k < text.Length; k++)
        {
            char c = text[k];
            if (c == '%' && k + 2 < text.Length && !char.IsAsciiLetterLower(text[k + 2]) && Hex(text.AsSpan(k + 1, 2), out int pv) && pv is >= 0x20 and < 0x7F)
            {
                sb.Append((char)pv);
                k += 2;
                changed = true;
                kind = "percent";
                continue;
            }
            if (c == '\\' && k + 1 < text.Length)
            {
                char n = text[k + 1];
                if (n == 'u' && k + 5 < text.Length && Hex(text.AsSpan(k + 2, 4), out int uv) && uv is >= 0x20 and < 0x7F)
                {
                    sb.Append((char)uv);
                    k += 5;
                    changed = true;
                    continue;
                }
                if (n == 'x' && k + 3 < text.Length && Hex(text.AsSpan(k + 2, 2), out int xv) && xv is >= 0x20 and < 0x7F)
                {
                    sb.Append((char)xv);
                    k += 3;
                    changed = true;
                    continue;
                }
            }
            if (c == '&' && k + 3 < text.Length && text[k + 1] == '#')
            {
                int semi = text.IndexOf(';', k + 2);
                if (semi > k + 2 && semi - k <= 8)
                {
                    var num = text.AsSpan(k + 2, semi - k - 2);
                    int ev;
                    bool ok = num[0] is 'x' or 'X'
                        ? int.TryParse(num[1..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ev)
                        : int.TryParse(num, NumberStyles.None, CultureInfo.InvariantCulture, out ev);
                    if (ok && ev is >= 0x20 and < 0x7F)
                    {
                        sb.Append((char)ev);
                        k = semi;
                        changed = true;
                        continue;
                    }
                }
            }
            sb.Append(c);
        }
        return changed ? (Encoding.UTF8.GetBytes(sb.ToString()), kind) : (null, kind);
    }

    private static bool Hex(ReadOnlySpan<char> s, out int value) =>
        int.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
}
