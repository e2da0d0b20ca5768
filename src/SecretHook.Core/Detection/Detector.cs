using System.Text;
using System.Text.RegularExpressions;
using SecretHook.Core.Matching;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Detection;

/// <summary>
/// Finds secrets in bytes. Built once from a <see cref="RuleSet"/>, immutable and safe to share across
/// threads; per-thread state lives in a <see cref="DetectorScratch"/>. The pipeline for a chunk is:
/// keyword automaton (which rules could match, and where) → each triggered rule's regex on a bounded
/// window around each keyword hit → the <c>secret</c> group's entropy and allowlists → inline
/// <c>secrethook:allow</c> → fallback rules yield to specific ones → findings with file positions.
/// </summary>
public sealed class Detector
{
    /// <summary>
    /// How far a single-line rule's window reaches either side of a keyword hit (clipped to the hit's
    /// line). Long enough for any token format in the pack (the longest, Atlassian's, is under 200
    /// bytes) plus its context, short enough that a minified file's megabyte-long line costs one
    /// kilobyte per hit rather than a megabyte.
    /// </summary>
    public const int LineWindow = 512;

    /// <summary>How far a multi-line rule's window reaches past a keyword hit (a 4096-bit RSA key in PEM is ~3.3 KB).</summary>
    public const int MultilineWindow = 16 * 1024;

    /// <summary>
    /// How far a multi-line rule's window reaches back before a keyword hit (to the start of a line):
    /// structured documents do not always put the keyword first — <c>kubectl get secret -o yaml</c>
    /// prints a Secret's <c>data:</c> before its <c>kind: Secret</c>.
    /// </summary>
    public const int MultilineWindowBefore = 4 * 1024;

    /// <summary>A comment containing this marker on a line suppresses findings on that line.</summary>
    public const string InlineAllowMarker = "secrethook:allow";

    private static readonly byte[] InlineAllowBytes = Encoding.ASCII.GetBytes(InlineAllowMarker);

    private readonly Rule[] _rules;
    private readonly int[][] _rulesByKeyword;

    /// <summary>Builds the keyword automaton for <paramref name="rules"/>.</summary>
    public Detector(RuleSet rules)
    {
        RuleSet = rules;
        _rules = [.. rules.Rules];
        var builder = new KeywordAutomatonBuilder();
        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var byKeyword = new List<List<int>>();
        for (int r = 0; r < _rules.Length; r++)
        {
            foreach (var keyword in _rules[r].Keywords)
            {
                if (!ids.TryGetValue(keyword, out int id))
                {
                    id = builder.Add(keyword);
                    ids[keyword] = id;
                    byKeyword.Add([]);
                }
                if (!byKeyword[id].Contains(r))
                {
                    byKeyword[id].Add(r);
                }
            }
        }
        Automaton = builder.Build();
        _rulesByKeyword = [.. byKeyword.Select(l => l.ToArray())];
    }

    /// <summary>The rules this detector applies.</summary>
    public RuleSet RuleSet { get; }

    /// <summary>The keyword prefilter.</summary>
    public KeywordAutomaton Automaton { get; }

    /// <summary>Creates scratch space for one thread.</summary>
    public DetectorScratch CreateScratch() => new(_rules.Length);

    /// <summary>The rules whose keywords occur in <paramref name="data"/> (the prefilter's verdict).</summary>
    public IReadOnlyList<Rule> TriggeredRules(ReadOnlySpan<byte> data)
    {
        var hits = new List<KeywordHit>();
        Automaton.FindAll(data, hits);
        var set = new SortedSet<int>();
        foreach (var hit in hits)
        {
            set.UnionWith(_rulesByKeyword[hit.KeywordId]);
        }
        return [.. set.Select(i => _rules[i])];
    }

    /// <summary>Scans <paramref name="chunk"/> and appends its findings to <paramref name="output"/>.</summary>
    public void Scan(in Chunk chunk, DetectorScratch scratch, List<Finding> output)
    {
        var data = chunk.Content.Span;
        scratch.Reset();
        Automaton.FindAll(data, scratch.Hits);
        if (scratch.Hits.Count == 0)
        {
            return;
        }
        CollectWindows(data, scratch);
        foreach (var window in scratch.Windows)
        {
            RunRule(data, window, scratch);
        }
        if (scratch.Matches.Count == 0)
        {
            return;
        }
        DropYieldingFallbacks(scratch.Matches);
        var matches = scratch.Matches;
        matches.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.RuleIndex.CompareTo(b.RuleIndex));
        // Windows of one rule only touch at their ends, but a match can still be found twice where they
        // do (a window whose start moved back); keep one of each.
        int kept = 0;
        for (int i = 0; i < matches.Count; i++)
        {
            if (kept == 0 || matches[i] != matches[kept - 1])
            {
                matches[kept++] = matches[i];
            }
        }
        matches.RemoveRange(kept, matches.Count - kept);
        ToFindings(chunk, data, matches, output);
    }

    /// <summary>Scans a string (UTF-8 encoded) as one chunk named <paramref name="path"/>; for tests and tools.</summary>
    public List<Finding> ScanText(string text, string path = "input")
    {
        var findings = new List<Finding>();
        Scan(new Chunk(Encoding.UTF8.GetBytes(text), path), CreateScratch(), findings);
        return findings;
    }

    private void CollectWindows(ReadOnlySpan<byte> data, DetectorScratch scratch)
    {
        var starts = scratch.WindowStart;
        var ends = scratch.WindowEnd;
        foreach (var hit in scratch.Hits)
        {
            int lineFloor = Math.Max(0, hit.Start - LineWindow);
            int nl = data[lineFloor..hit.Start].LastIndexOf((byte)'\n');
            int lineWs = nl < 0 ? lineFloor : lineFloor + nl + 1;
            foreach (int r in _rulesByKeyword[hit.KeywordId])
            {
                int ws = lineWs, we;
                if (_rules[r].Multiline)
                {
                    ws = MultilineStart(data, hit.Start);
                    we = Math.Min(data.Length, hit.End + MultilineWindow);
                }
                else
                {
                    int ceiling = Math.Min(data.Length, hit.End + LineWindow);
                    int e = data[hit.End..ceiling].IndexOf((byte)'\n');
                    we = e < 0 ? ceiling : hit.End + e;
                }
                if (starts[r] < 0)
                {
                    scratch.Touched.Add(r);
                }
                else if (ws <= ends[r])
                {
                    // Overlaps the open window. A longer keyword ending later can start earlier, so
                    // the start may move back as well as the end forward.
                    starts[r] = Math.Min(starts[r], ws);
                    ends[r] = Math.Max(ends[r], we);
                    continue;
                }
                else
                {
                    scratch.Windows.Add(new Window(r, starts[r], ends[r]));
                }
                starts[r] = ws;
                ends[r] = we;
            }
        }
        foreach (int r in scratch.Touched)
        {
            scratch.Windows.Add(new Window(r, starts[r], ends[r]));
        }
    }

    /// <summary>The start of the first whole line at most <see cref="MultilineWindowBefore"/> bytes before <paramref name="hit"/>.</summary>
    private static int MultilineStart(ReadOnlySpan<byte> data, int hit)
    {
        if (hit <= MultilineWindowBefore)
        {
            return 0;
        }
        int floor = hit - MultilineWindowBefore;
        int nl = data[floor..hit].IndexOf((byte)'\n');
        return nl < 0 ? hit : floor + nl + 1;
    }

    private void RunRule(ReadOnlySpan<byte> data, Window window, DetectorScratch scratch)
    {
        var rule = _rules[window.RuleIndex];
        var bytes = data[window.Start..window.End];
        // One char per byte (Latin-1), so a char index is a byte offset: rule regexes are ASCII, and
        // non-ASCII bytes become non-word characters that no token class accepts.
        var chars = scratch.Chars(bytes.Length);
        Encoding.Latin1.GetChars(bytes, chars);
        List<Match> found;
        try
        {
            found = Matches(rule.Regex, chars);
        }
        catch (RegexMatchTimeoutException)
        {
            // A vetted pattern backtracked too long on this window: the linear-time engine gives the
            // same matches without that risk.
            found = Matches(rule.LinearRegex, chars);
        }
        foreach (var m in found)
        {
            var group = m.Groups[Rule.SecretGroup];
            if (!group.Success || group.Length == 0)
            {
                continue;
            }
            int start = window.Start + group.Index;
            int end = start + group.Length;
            string secret = Encoding.UTF8.GetString(data[start..end]);
            if (rule.Entropy is { } min && Entropy.Shannon(secret) < min)
            {
                continue;
            }
            if (rule.Allowlist.Allows(secret) || RuleSet.GlobalAllowlist.Allows(secret))
            {
                continue;
            }
            if (LineHasInlineAllow(data, start))
            {
                continue;
            }
            scratch.Matches.Add(new RawMatch(window.RuleIndex, start, end, secret));
        }
    }

    /// <summary>The matches in <paramref name="chars"/>; allocates only when there is one.</summary>
    private static List<Match> Matches(Regex regex, ReadOnlySpan<char> chars)
    {
        if (!regex.IsMatch(chars))
        {
            return NoMatches;
        }
        var list = new List<Match>();
        for (var m = regex.Match(new string(chars)); m.Success; m = m.NextMatch())
        {
            list.Add(m);
        }
        return list;
    }

    private static readonly List<Match> NoMatches = [];

    private static bool LineHasInlineAllow(ReadOnlySpan<byte> data, int position)
    {
        int ls = data[..position].LastIndexOf((byte)'\n') + 1;
        int le = data[position..].IndexOf((byte)'\n');
        var line = le < 0 ? data[ls..] : data[ls..(position + le)];
        return line.IndexOf(InlineAllowBytes) >= 0;
    }

    /// <summary>
    /// A fallback finding yields to any overlapping finding of a specific rule, and to an overlapping
    /// fallback finding of higher priority (equal priority: the rule loaded first wins).
    /// </summary>
    private void DropYieldingFallbacks(List<RawMatch> matches)
    {
        if (matches.Count < 2)
        {
            return;
        }
        // Decide every drop against the full list first: removing while deciding would let a dropped
        // finding's absence change another's verdict.
        Span<bool> drop = matches.Count <= 256 ? stackalloc bool[matches.Count] : new bool[matches.Count];
        bool any = false;
        for (int i = 0; i < matches.Count; i++)
        {
            var m = matches[i];
            if (!_rules[m.RuleIndex].Fallback)
            {
                continue;
            }
            foreach (var o in matches)
            {
                if (o.RuleIndex != m.RuleIndex && o.Start < m.End && m.Start < o.End && Outranks(_rules[o.RuleIndex], o.RuleIndex, m.RuleIndex))
                {
                    drop[i] = any = true;
                    break;
                }
            }
        }
        if (any)
        {
            int k = 0;
            for (int i = 0; i < matches.Count; i++)
            {
                if (!drop[i])
                {
                    matches[k++] = matches[i];
                }
            }
            matches.RemoveRange(k, matches.Count - k);
        }
    }

    private bool Outranks(Rule other, int otherIndex, int index)
    {
        var rule = _rules[index];
        if (!other.Fallback)
        {
            return true;
        }
        return other.Priority != rule.Priority ? other.Priority > rule.Priority : otherIndex < index;
    }

    private void ToFindings(in Chunk chunk, ReadOnlySpan<byte> data, List<RawMatch> matches, List<Finding> output)
    {
        var cursor = new LineCursor(data);
        foreach (var m in matches)
        {
            var (startLine, startCol, lineStart) = cursor.Locate(m.Start);
            int endLineIndex = startLine + data[m.Start..m.End].Count((byte)'\n');
            int endLineStart = endLineIndex == startLine ? lineStart : data[..m.End].LastIndexOf((byte)'\n') + 1;
            int endCol = Encoding.UTF8.GetCharCount(data[endLineStart..m.End]) + 1;
            var rule = _rules[m.RuleIndex];
            string snippet = Snippet(data, lineStart, m.Start, out int snippetOffset);
            output.Add(new Finding(
                rule.Id,
                rule.Description,
                chunk.Path,
                chunk.FileLine(startLine),
                startCol,
                chunk.FileLine(endLineIndex),
                endCol,
                m.Secret,
                snippet,
                Fingerprint.Compute(rule.Id, chunk.Path, m.Secret),
                chunk.Commit)
            { SnippetOffset = snippetOffset, Structure = StructureChecks.Apply(rule.Structure, m.Secret) });
        }
    }

    /// <summary>The line around a secret, at most ~<see cref="SnippetContext"/> bytes either side, CR and LF removed.</summary>
    private static string Snippet(ReadOnlySpan<byte> data, int lineStart, int secretStart, out int secretOffset)
    {
        int from = Math.Max(lineStart, secretStart - SnippetContext);
        while (from > lineStart && (data[from] & 0xC0) == 0x80)
        {
            from--; // do not cut a UTF-8 sequence
        }
        int eol = data[secretStart..].IndexOf((byte)'\n');
        int lineEnd = eol < 0 ? data.Length : secretStart + eol;
        int to = Math.Min(lineEnd, secretStart + SnippetContext + 256);
        while (to < lineEnd && (data[to] & 0xC0) == 0x80)
        {
            to++;
        }
        if (to > from && data[to - 1] == '\r')
        {
            to--;
        }
        secretOffset = Encoding.UTF8.GetCharCount(data[from..secretStart]);
        return Encoding.UTF8.GetString(data[from..to]);
    }

    private const int SnippetContext = 120;

    internal readonly record struct Window(int RuleIndex, int Start, int End);

    internal readonly record struct RawMatch(int RuleIndex, int Start, int End, string Secret);

    /// <summary>Turns increasing byte offsets into 0-based line indexes and 1-based UTF-16 columns in one pass.</summary>
    private ref struct LineCursor(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;
        private int _line;
        private int _lineStart;

        public (int Line, int Column, int LineStart) Locate(int offset)
        {
            if (offset < _pos)
            {
                _pos = 0;
                _line = 0;
                _lineStart = 0;
            }
            var between = _data[_pos..offset];
            int count = between.Count((byte)'\n');
            if (count > 0)
            {
                _line += count;
                _lineStart = _pos + between.LastIndexOf((byte)'\n') + 1;
            }
            _pos = offset;
            int column = Encoding.UTF8.GetCharCount(_data[_lineStart..offset]) + 1;
            return (_line, column, _lineStart);
        }
    }
}
