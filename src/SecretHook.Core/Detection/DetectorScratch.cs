using SecretHook.Core.Matching;

namespace SecretHook.Core.Detection;

/// <summary>
/// Reusable per-thread working memory for <see cref="Detector.Scan"/>, so that scanning a chunk in
/// which no keyword occurs allocates nothing. Not thread-safe: one per thread.
/// </summary>
public sealed class DetectorScratch
{
    private char[] _chars = new char[4096];

    internal DetectorScratch(int ruleCount)
    {
        WindowStart = new int[ruleCount];
        WindowEnd = new int[ruleCount];
        WindowFrom = new int[ruleCount];
        Array.Fill(WindowStart, -1);
    }

    internal List<KeywordHit> Hits { get; } = [];
    internal int[] WindowStart { get; }
    internal int[] WindowEnd { get; }
    internal int[] WindowFrom { get; }
    internal List<int> Touched { get; } = [];
    internal List<Detector.Window> Windows { get; } = [];
    internal List<Detector.RawMatch> Matches { get; } = [];
    internal List<Detector.RawMatch> Masks { get; } = [];
    internal List<EncodedSpan> Encoded { get; } = [];
    internal List<Finding> Found { get; } = [];
    internal DetectorScratch? Child { get; set; }

    /// <summary>Where <see cref="EncodedText.Find(ReadOnlySpan{byte}, List{EncodedSpan}, ref byte[])"/> decodes this level's spans (the child has its own).</summary>
    internal byte[]? DecodeBuffer;

    internal Span<char> Chars(int length)
    {
        if (_chars.Length < length)
        {
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        }
        return _chars.AsSpan(0, length);
    }

    internal void Reset()
    {
        Hits.Clear();
        foreach (int r in Touched)
        {
            WindowStart[r] = -1;
        }
        Touched.Clear();
        Windows.Clear();
        Matches.Clear();
        Masks.Clear();
    }
}
