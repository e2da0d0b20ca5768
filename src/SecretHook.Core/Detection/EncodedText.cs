using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
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

    private static bool[] BuildTable()
    {
        var table = new bool[256];
        foreach (byte b in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"u8)
        {
            table[b] = true;
        }
        return table;
    }

    /// <summary>
    /// Runs of at least <see cref="MinBase64Run"/> base64 characters, found Boyer-Moore style: when the
    /// byte <c>MinBase64Run - 1</c> ahead is not a base64 character no run that long can start before
    /// it, so source code (short identifiers between operators) is crossed in strides of 20 bytes rather
    /// than byte by byte.
    /// </summary>
    private static void FindBase64(ReadOnlySpan<byte> data, List<EncodedSpan> output, ref int budget)
    {
        var table = IsBase64Char;
        int i = 0;
        while (i + MinBase64Run <= data.Length && budget > 0)
        {
            int probe = i + MinBase64Run - 1;
            if (!table[data[probe]])
            {
                i = probe + 1;
                continue;
            }
            // Walk back from the probe. A non-base64 byte before it means no run of MinBase64Run can
            // start at or before that byte: probe again from just after it (each byte is read at most
            // about twice). Reaching i means data[i..probe] is a run long enough: extend it forward.
            int start = probe;
            while (start > i && table[data[start - 1]])
            {
                start--;
            }
            if (start > i)
            {
                i = start;
                continue;
            }
            int end = probe + 1;
            while (end < data.Length && table[data[end]])
            {
                end++;
            }
            // Up to two '=' of padding belong to the run; anything after them starts a new one.
            for (int p = 0; p < 2 && end < data.Length && data[end] == '='; p++)
            {
                end++;
            }
            i = end;
            int runLength = end - start;
            if (runLength < MinBase64Run || runLength > MaxRun)
            {
                continue;
            }
            var run = data[start..end];
            // Both letter cases and a digit or symbol, which base64 of text has and identifiers
            // (snake_case, CamelCase words) mostly do not.
            if (!LooksEncoded(run))
            {
                continue;
            }
            if (TryDecodeBase64(run, out byte[]? decoded) && Printable(decoded))
            {
                budget -= decoded.Length;
                output.Add(new EncodedSpan(start, end, "base64", decoded));
            }
        }
    }

    private static bool LooksEncoded(ReadOnlySpan<byte> run)
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

    private static bool TryDecodeBase64(ReadOnlySpan<byte> run, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? decoded)
    {
        decoded = null;
        var text = run.TrimEnd((byte)'=');
        if (text.Length % 4 == 1)
        {
            return false;
        }
        bool urlSafe = text.IndexOfAny("-_"u8) >= 0;
        bool standard = text.IndexOfAny("+/"u8) >= 0;
        if (urlSafe && standard)
        {
            return false;
        }
        // Normalise to padded standard base64.
        int padded = (text.Length + 3) / 4 * 4;
        var buffer = new byte[padded];
        text.CopyTo(buffer);
        for (int k = 0; k < text.Length; k++)
        {
            buffer[k] = buffer[k] switch { (byte)'-' => (byte)'+', (byte)'_' => (byte)'/', var b => b };
        }
        buffer.AsSpan(text.Length).Fill((byte)'=');
        var output = new byte[Base64.GetMaxDecodedFromUtf8Length(padded)];
        if (Base64.DecodeFromUtf8(buffer, output, out _, out int written) != OperationStatus.Done)
        {
            return false;
        }
        decoded = output[..written];
        return written > 0;
    }

    /// <summary>At least 90 % printable ASCII (and tab, CR, LF) and no NUL: text, not binary data.</summary>
    private static bool Printable(byte[] bytes)
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

    /// <summary>Lines holding <c>%XX</c>, <c>\uXXXX</c>, <c>\xXX</c> or <c>&amp;#…;</c>, decoded whole.</summary>
    private static void FindEscapedLines(ReadOnlySpan<byte> data, List<EncodedSpan> output, ref int budget)
    {
        int i = 0;
        while (i < data.Length && budget > 0)
        {
            int at = data[i..].IndexOfAny(EscapeStarts);
            if (at < 0)
            {
                return;
            }
            at += i;
            int lineStart = data[..at].LastIndexOf((byte)'\n') + 1;
            int nl = data[at..].IndexOf((byte)'\n');
            int lineEnd = nl < 0 ? data.Length : at + nl;
            i = lineEnd + 1;
            var line = data[lineStart..lineEnd];
            if (line.Length > MaxRun || !HasEscape(line[(at - lineStart)..]))
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
    /// Whether <paramref name="text"/> holds an escape that decodes to a printable ASCII character —
    /// checked on the bytes, so the many lines of C and shell with a <c>%</c>, <c>\</c> or <c>&amp;</c> that
    /// escapes nothing (<c>printf("%s\n")</c>, <c>a &amp;&amp; b</c>) cost no allocation.
    /// </summary>
    private static bool HasEscape(ReadOnlySpan<byte> text)
    {
        for (int k = text.IndexOfAny(EscapeStarts); k >= 0 && k < text.Length;)
        {
            var rest = text[k..];
            bool found = rest[0] switch
            {
                // URL encoders write upper-case hex (%3D, %5F); printf's %2d, %4x are not escapes.
                (byte)'%' => rest.Length >= 3 && rest[1] is >= (byte)'2' and <= (byte)'7' && IsUpperHex(rest[2]),
                (byte)'\\' => rest.Length >= 4 && ((rest[1] == 'x' && rest[2] is >= (byte)'2' and <= (byte)'7' && IsHex(rest[3]))
                    || (rest.Length >= 6 && rest[1] == 'u' && rest[2] == '0' && rest[3] == '0' && rest[4] is >= (byte)'2' and <= (byte)'7' && IsHex(rest[5]))),
                _ => rest.Length >= 4 && rest[1] == '#',
            };
            if (found)
            {
                return true;
            }
            int next = text[(k + 1)..].IndexOfAny(EscapeStarts);
            k = next < 0 ? -1 : k + 1 + next;
        }
        return false;
    }

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
