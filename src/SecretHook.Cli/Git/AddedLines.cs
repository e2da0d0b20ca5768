namespace SecretHook.Cli.GitIntegration;

/// <summary>
/// The lines a new version of a file adds, computed from whole contents instead of a diff: every line
/// of the new text that is not in the old one, counted as a multiset (a line the new text has three
/// times and the old text once adds two of them — the later two). With several old texts (the
/// parents of a merge) a line is added only when it is added against every one of them, as in a
/// combined diff. Lines end at <c>\n</c> (a <c>\r</c> stays part of the line), the last one may lack
/// it. The result joins the added lines by <c>\n</c>, in new-file order, with each one's 1-based
/// line number — the shape of <see cref="DiffFile.Added"/> and <see cref="DiffFile.LineNumbers"/>.
/// </summary>
internal static class AddedLines
{
    /// <summary>How far git looks for a NUL byte to call content binary.</summary>
    public const int BinaryProbeLength = 8000;

    /// <summary>The added lines joined by <c>\n</c>, and their new-file line numbers.</summary>
    public readonly record struct Result(byte[] Text, List<int> LineNumbers);

    /// <summary>Whether <paramref name="content"/> is binary by content: a NUL in its first 8000 bytes, as git decides.</summary>
    public static bool IsBinary(ReadOnlySpan<byte> content) =>
        content[..Math.Min(content.Length, BinaryProbeLength)].Contains((byte)0);

    /// <summary>
    /// The lines of <paramref name="fresh"/> added against all of <paramref name="olds"/> (an empty
    /// list, or an empty old text, adds every line).
    /// </summary>
    public static Result Compute(ReadOnlyMemory<byte> fresh, IReadOnlyList<ReadOnlyMemory<byte>> olds)
    {
        var lines = Split(fresh);
        var added = new bool[lines.Count];
        Array.Fill(added, true);
        foreach (var old in olds)
        {
            var counts = new Dictionary<ReadOnlyMemory<byte>, int>(ByteComparer.Instance);
            foreach (var line in Split(old))
            {
                counts[line] = counts.TryGetValue(line, out int n) ? n + 1 : 1;
            }
            for (int i = 0; i < lines.Count; i++)
            {
                if (counts.TryGetValue(lines[i], out int n) && n > 0)
                {
                    counts[lines[i]] = n - 1;
                    added[i] = false;
                }
            }
        }
        long length = 0;
        var numbers = new List<int>();
        for (int i = 0; i < lines.Count; i++)
        {
            if (added[i])
            {
                length += lines[i].Length + 1;
                numbers.Add(i + 1);
            }
        }
        var text = new byte[length];
        int at = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            if (added[i])
            {
                lines[i].Span.CopyTo(text.AsSpan(at));
                at += lines[i].Length;
                text[at++] = (byte)'\n';
            }
        }
        return new Result(text, numbers);
    }

    /// <summary>The lines of <paramref name="text"/>, without their <c>\n</c>.</summary>
    public static List<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> text)
    {
        var lines = new List<ReadOnlyMemory<byte>>();
        var span = text.Span;
        int start = 0;
        while (start < span.Length)
        {
            int nl = span[start..].IndexOf((byte)'\n');
            int end = nl < 0 ? span.Length : start + nl;
            lines.Add(text[start..end]);
            start = end + 1;
        }
        return lines;
    }

    private sealed class ByteComparer : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly ByteComparer Instance = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> obj)
        {
            var hash = default(HashCode);
            hash.AddBytes(obj.Span);
            return hash.ToHashCode();
        }
    }
}
