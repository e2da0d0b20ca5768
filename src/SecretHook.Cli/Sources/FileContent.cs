using System.Text;

namespace SecretHook.Cli.Sources;

/// <summary>
/// How a file's bytes are presented to the detector. Binary files (a NUL byte in the first 8000 bytes,
/// git's own test) are not scanned. A file that starts with a UTF-16 byte-order mark is scanned twice:
/// transcoded to UTF-8 (a real UTF-16 file) and as its raw bytes, so that a BOM in front of ASCII text
/// cannot hide a secret.
/// </summary>
public static class FileContent
{
    /// <summary>How many leading bytes are checked for NUL (git's heuristic uses the same 8000).</summary>
    public const int BinarySniffLength = 8000;

    /// <summary>Whether <paramref name="data"/> is binary (and not UTF-16 with a byte-order mark).</summary>
    public static bool IsBinary(ReadOnlySpan<byte> data) =>
        !HasUtf16Bom(data) && data[..Math.Min(data.Length, BinarySniffLength)].Contains((byte)0);

    /// <summary>Whether <paramref name="data"/> starts with a UTF-16 byte-order mark.</summary>
    public static bool HasUtf16Bom(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF));

    /// <summary>The views to scan: the bytes as they are, and first their UTF-8 transcoding when they start with a UTF-16 BOM.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Views(byte[] data, int length)
    {
        var raw = data.AsMemory(0, length);
        if (HasUtf16Bom(raw.Span))
        {
            var encoding = data[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            yield return Encoding.UTF8.GetBytes(encoding.GetString(data, 2, length - 2));
        }
        yield return raw;
    }
}
