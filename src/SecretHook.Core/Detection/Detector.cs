using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
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

    private readonly Rule[] _rules;
    private readonly int[][] _rulesByKeyword;
    private readonly SearchValues<string>? _inlineMarkers;

    /// <summary>Builds the keyword automaton for <paramref name="rules"/>.</summary>
    /// <param name="rules">The rules to apply.</param>
    /// <param name="inlineMarkers">Markers that flag a line's findings as allowed (<see cref="Finding.InlineAllowed"/>),
    /// matched ASCII case-insensitively; default <see cref="InlineAllowMarker"/>. Empty: none.</param>
    public Detector(RuleSet rules, IReadOnlyList<string>? inlineMarkers = null)
    {
        RuleSet = rules;
        inlineMarkers ??= [InlineAllowMarker];
        _inlineMarkers = inlineMarkers.Count > 0 ? SearchValues.Create([.. inlineMarkers], StringComparison.OrdinalIgnoreCase) : null;
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
        int direct = output.Count;
        ScanDirect(chunk, scratch, output);
        if (DecodeDepth > 0)
        {
            ScanEncoded(chunk, scratch, output, direct, 1);
        }
    }

    /// <summary>
    /// How many levels of encoding (<see cref="EncodedText"/>: base64, percent-encoding, escapes) are
    /// looked through; 0 turns decoding off. Default 2: base64 inside a percent-encoded URL, say.
    /// </summary>
    public int DecodeDepth { get; init; } = DefaultDecodeDepth;

    /// <summary>The default <see cref="DecodeDepth"/>: base64 inside a percent-encoded URL, say.</summary>
    public const int DefaultDecodeDepth = 2;

    /// <summary>
    /// The most levels a scan may ask for (<c>--max-decode-depth</c>, <c>max-decode-depth</c>). Every level
    /// is bounded: the first decodes at most 256 KiB of a chunk, each deeper one at most about 1.75 times
    /// what the level above it decoded (a line can be read both as base64 and as escapes), and each keeps
    /// one ~260 KiB buffer per scanning thread.
    /// </summary>
    public const int MaxDecodeDepth = 4;

    /// <summary>
    /// Scans what the encoded stretches of <paramref name="chunk"/> decode to and reports each finding at
    /// the encoded text's position (<see cref="Finding.Decoded"/> says how it was encoded; the encoded
    /// text is what the printed line masks). A decoded secret already reported directly is not repeated.
    /// </summary>
    private void ScanEncoded(in Chunk chunk, DetectorScratch scratch, List<Finding> output, int directFrom, int depth)
    {
        var data = chunk.Content.Span;
        var spans = scratch.Encoded;
        spans.Clear();
        EncodedText.Find(data, spans, ref scratch.DecodeBuffer);
        if (spans.Count == 0)
        {
            return;
        }
        int directTo = output.Count;
        var child = scratch.Child ??= CreateScratch();
        var found = scratch.Found;
        // Spans come in two increasing runs (base64, then escaped lines): the line count is carried
        // forward from the previous span and restarts only when a span starts before it.
        int countedTo = 0, countedLines = 0;
        // The child scratch has its own lists, so the recursion below does not touch this one.
        foreach (var span in spans)
        {
            found.Clear();
            var inner = new Chunk(span.Decoded, chunk.Path, 1, null, chunk.Commit, chunk.DisplayPath);
            ScanDirect(inner, child, found);
            if (depth < DecodeDepth)
            {
                ScanEncoded(inner, child, found, 0, depth + 1);
            }
            if (found.Count == 0)
            {
                continue;
            }
            if (span.Start < countedTo)
            {
                countedTo = countedLines = 0;
            }
            countedLines += data[countedTo..span.Start].Count((byte)'\n');
            countedTo = span.Start;
            int lineIndex = countedLines;
            int line = chunk.FileLine(lineIndex);
            foreach (var f in found)
            {
                bool known = false;
                for (int k = directFrom; k < directTo && !known; k++)
                {
                    // The same secret found written plainly in this chunk, where it stands.
                    // An escaped line decodes whole: the rule's plain finding on it is the same credential.
                    known = output[k].RuleId == f.RuleId && output[k].Line == line
                        && (span.Kind != "base64" || output[k].Secret == f.Secret);
                }
                if (!known)
                {
                    output.Add(AtEncodedSpan(chunk, data, span, lineIndex, f));
                }
            }
        }
    }

    /// <summary><paramref name="f"/>, found in the decoded text of <paramref name="span"/>, placed at the encoded text.</summary>
    private Finding AtEncodedSpan(in Chunk chunk, ReadOnlySpan<byte> data, EncodedSpan span, int lineIndex, Finding f)
    {
        int lineStart = data[..span.Start].LastIndexOf((byte)'\n') + 1;
        int column = Encoding.UTF8.GetCharCount(data[lineStart..span.Start]) + 1;
        int endLineIndex = lineIndex + data[span.Start..span.End].Count((byte)'\n');
        int endLineStart = data[..span.End].LastIndexOf((byte)'\n') + 1;
        int endColumn = Encoding.UTF8.GetCharCount(data[endLineStart..span.End]) + 1;
        var (from, to) = SnippetRange(data, lineStart, span.Start);
        int maskStart = Encoding.UTF8.GetCharCount(data[from..span.Start]);
        int maskLength = Encoding.UTF8.GetCharCount(data[span.Start..Math.Max(span.Start, Math.Min(span.End, to))]);
        return f with
        {
            File = chunk.Path,
            Line = chunk.FileLine(lineIndex),
            Column = column,
            EndLine = chunk.FileLine(endLineIndex),
            EndColumn = endColumn,
            LineText = Encoding.UTF8.GetString(data[from..to]),
            Fingerprint = Fingerprint.Compute(f.RuleId, chunk.Path, f.Secret),
            Commit = chunk.Commit,
            SnippetOffset = maskStart,
            SecretSpans = [new TextSpan(maskStart, maskLength)],
            DisplayFile = chunk.DisplayPath ?? chunk.Path,
            InlineAllowed = f.InlineAllowed || LineHasMarker(data, lineStart),
            Decoded = f.Decoded is { } inner ? $"{span.Kind}+{inner}" : span.Kind,
        };
    }

    private void ScanDirect(in Chunk chunk, DetectorScratch scratch, List<Finding> output)
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
        // Every match masks its span on printed lines, also one that yields to a more specific rule.
        var masks = scratch.Masks;
        masks.Clear();
        masks.AddRange(matches);
        DropYieldingFallbacks(matches);
        ToFindings(chunk, data, matches, masks, output);
    }

    /// <summary>Scans a string (UTF-8 encoded) as one chunk named <paramref name="path"/>; for tests and tools.</summary>
    public List<Finding> ScanText(string text, string path = "input")
    {
        var findings = new List<Finding>();
        Scan(new Chunk(Encoding.UTF8.GetBytes(text), path), CreateScratch(), findings);
        return findings;
    }

    /// <summary>
    /// One window per triggered rule and stretch of text: the bytes its regex sees (from the start of
    /// the hit's line, so anchors and boundaries see what precedes) and where the regex starts looking
    /// (the rule's <see cref="Rule.WindowBefore"/>). Overlapping windows of one rule merge.
    /// </summary>
    private void CollectWindows(ReadOnlySpan<byte> data, DetectorScratch scratch)
    {
        var starts = scratch.WindowStart;
        var ends = scratch.WindowEnd;
        var froms = scratch.WindowFrom;
        foreach (var hit in scratch.Hits)
        {
            int lineFloor = Math.Max(0, hit.Start - LineWindow);
            int nl = data[lineFloor..hit.Start].LastIndexOf((byte)'\n');
            int lineWs = nl < 0 ? lineFloor : lineFloor + nl + 1;
            foreach (int r in _rulesByKeyword[hit.KeywordId])
            {
                var rule = _rules[r];
                int ws, we, from;
                if (rule.Multiline)
                {
                    ws = rule.WindowBefore is 0 ? lineWs : MultilineStart(data, hit.Start, rule.WindowBefore ?? MultilineWindowBefore);
                    we = Math.Min(data.Length, hit.End + (rule.WindowAfter ?? MultilineWindow));
                    from = ws;
                }
                else
                {
                    ws = lineWs;
                    from = rule.WindowBefore is { } before ? Math.Max(lineWs, hit.Start - before) : lineWs;
                    int ceiling = Math.Min(data.Length, hit.End + (rule.WindowAfter ?? LineWindow));
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
                    froms[r] = Math.Min(froms[r], from);
                    ends[r] = Math.Max(ends[r], we);
                    continue;
                }
                else
                {
                    scratch.Windows.Add(new Window(r, starts[r], ends[r], froms[r]));
                }
                starts[r] = ws;
                froms[r] = from;
                ends[r] = we;
            }
        }
        foreach (int r in scratch.Touched)
        {
            scratch.Windows.Add(new Window(r, starts[r], ends[r], froms[r]));
        }
    }

    /// <summary>The start of the first whole line at most <paramref name="before"/> bytes before <paramref name="hit"/>.</summary>
    private static int MultilineStart(ReadOnlySpan<byte> data, int hit, int before)
    {
        if (hit <= before)
        {
            return 0;
        }
        int floor = hit - before;
        int nl = data[floor..hit].IndexOf((byte)'\n');
        return nl < 0 ? hit : floor + nl + 1;
    }

    private void RunRule(ReadOnlySpan<byte> data, Window window, DetectorScratch scratch)
    {
        var rule = _rules[window.RuleIndex];
        var bytes = data[window.Start..window.End];
        var chars = scratch.Chars(bytes.Length);
        Project(bytes, chars);
        int startAt = window.From - window.Start;
        // Below this many distinct characters in a match, no secret inside it can pass the entropy test.
        double? bound = rule.SecretWithinMatch ? rule.Entropy : null;
        int kept = scratch.Matches.Count;
        List<Match> found;
        try
        {
            if (rule.Vetted && KeepBySpans(rule, rule.Regex, data, window, chars, startAt, bound, scratch))
            {
                return;
            }
            found = Matches(rule.Regex, chars, startAt, bound);
        }
        catch (RegexMatchTimeoutException)
        {
            // A vetted pattern backtracked too long on this window: the linear-time engine gives the
            // same matches without that risk (and the groups only through a Match).
            scratch.Matches.RemoveRange(kept, scratch.Matches.Count - kept);
            found = Matches(rule.LinearRegex, chars, startAt, bound);
        }
        foreach (var m in found)
        {
            var group = m.Groups[Rule.SecretGroup];
            if (group.Success)
            {
                Keep(rule, window, data, chars, group.Index, group.Index + group.Length, scratch);
            }
        }
    }

    /// <summary>
    /// The matches of <paramref name="regex"/> from <paramref name="startAt"/>, each secret's span found
    /// by the rule's <see cref="Rule.BoundsRegexes"/> at the match's start: nothing allocates for a match
    /// whose secret is then rejected. The bounds are asked for only at the first match that needs them
    /// (building them for every rule a window triggers cost a hook ~1 ms); false, with nothing kept,
    /// when the rule has none: the caller then takes the <see cref="Match"/> path.
    /// </summary>
    private bool KeepBySpans(Rule rule, Regex regex, ReadOnlySpan<byte> data, Window window, ReadOnlySpan<char> chars,
        int startAt, double? minEntropy, DetectorScratch scratch)
    {
        (Regex Start, Regex End)? bounds = null;
        foreach (var m in regex.EnumerateMatches(chars, startAt))
        {
            if (minEntropy is { } min && TooFewDistinct(chars.Slice(m.Index, m.Length), min))
            {
                continue;
            }
            bounds ??= rule.BoundsRegexes;
            if (bounds is not { } b)
            {
                return false;
            }
            int from = m.Index + AnchoredLength(b.Start, chars, m.Index);
            int to = m.Index + AnchoredLength(b.End, chars, m.Index);
            Keep(rule, window, data, chars, from, to, scratch);
        }
        return true;
    }

    /// <summary>The length of <paramref name="regex"/>'s match (it starts with <c>\G</c>) at <paramref name="at"/>.</summary>
    private static int AnchoredLength(Regex regex, ReadOnlySpan<char> chars, int at)
    {
        foreach (var m in regex.EnumerateMatches(chars, at))
        {
            return m.Length;
        }
        // The pattern matched here, so both derived patterns do (see SecretBounds).
        throw new InvalidOperationException("A secret bounds pattern did not match where its rule's pattern did.");
    }

    /// <summary>
    /// Keeps the secret at <paramref name="from"/>..<paramref name="to"/> of the window when it passes the
    /// rule's entropy test and neither allowlist allows it. An ASCII secret is tested on its chars in the
    /// window (the same as its string), so only a kept secret becomes a string.
    /// </summary>
    private void Keep(Rule rule, Window window, ReadOnlySpan<byte> data, ReadOnlySpan<char> chars, int from, int to, DetectorScratch scratch)
    {
        if (to <= from)
        {
            return;
        }
        int start = window.Start + from;
        int end = window.Start + to;
        var bytes = data[start..end];
        string? secret = null;
        ReadOnlySpan<char> text = bytes.IndexOfAnyExceptInRange((byte)0, (byte)0x7F) < 0
            ? chars[from..to]
            : secret = Encoding.UTF8.GetString(bytes);
        if ((rule.Entropy is { } min && Entropy.Shannon(text) < min)
            || rule.Allowlist.Allows(text) || RuleSet.GlobalAllowlist.Allows(text))
        {
            return;
        }
        scratch.Matches.Add(new RawMatch(window.RuleIndex, start, end, secret ?? Encoding.UTF8.GetString(bytes)));
    }

    /// <summary>
    /// The matches in <paramref name="chars"/> that start at or after <paramref name="startAt"/> (anchors
    /// and boundaries still see the text before it); allocates only when there is one whose secret
    /// could pass the rule's entropy test (<paramref name="minEntropy"/>, see <see cref="EveryMatchFailsEntropy"/>).
    /// </summary>
    private static List<Match> Matches(Regex regex, ReadOnlySpan<char> chars, int startAt, double? minEntropy)
    {
        if (!regex.IsMatch(chars, startAt)
            || (minEntropy is { } min && EveryMatchFailsEntropy(regex, chars, startAt, min)))
        {
            return NoMatches;
        }
        var list = new List<Match>();
        for (var m = regex.Match(new string(chars), startAt); m.Success; m = m.NextMatch())
        {
            list.Add(m);
        }
        return list;
    }

    private static readonly List<Match> NoMatches = [];

    /// <summary>
    /// Whether no match of <paramref name="regex"/> can hold a secret with <paramref name="minEntropy"/>
    /// bits per character, decided from the match spans alone (<see cref="Regex.EnumerateMatches(ReadOnlySpan{char}, int)"/>
    /// allocates nothing, where only an allocating <see cref="Match"/> gives the groups): a secret inside
    /// a match has at most the match's distinct characters, and Shannon entropy is at most log2 of their
    /// number (<c>pwd: *base,</c>, <c>token == NULL</c>). Asked only for rules whose secret lies
    /// inside the match (<see cref="Rule.SecretWithinMatch"/>), and false for a match with a non-ASCII
    /// byte (<see cref="NonAsciiByte"/> stands for them all, and distinct UTF-8 characters can
    /// outnumber distinct bytes).
    /// </summary>
    internal static bool EveryMatchFailsEntropy(Regex regex, ReadOnlySpan<char> chars, int startAt, double minEntropy)
    {
        foreach (var m in regex.EnumerateMatches(chars, startAt))
        {
            if (!TooFewDistinct(chars.Slice(m.Index, m.Length), minEntropy))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether <paramref name="match"/> is ASCII and has fewer than 2^<paramref name="minEntropy"/> distinct characters (see <see cref="EveryMatchFailsEntropy"/>).</summary>
    private static bool TooFewDistinct(ReadOnlySpan<char> match, double minEntropy)
    {
        ulong low = 0, high = 0;
        foreach (char c in match)
        {
            if (c >= 128)
            {
                return false;
            }
            if (c < 64)
            {
                low |= 1UL << c;
            }
            else
            {
                high |= 1UL << (c - 64);
            }
        }
        // The margin keeps rounding in Entropy.Shannon from mattering at a power of two.
        return Math.Log2(BitOperations.PopCount(low) + BitOperations.PopCount(high)) < minEntropy - 1e-9;
    }

    /// <summary>
    /// The char a byte ≥ 0x80 becomes in a rule's window: U+0080, a control character that neither
    /// <c>\w</c>, <c>\s</c>, <c>\d</c> nor any letter class matches. (Latin-1 would turn 0x85 into NEL
    /// and 0xA0 into NBSP, which <c>\s</c> matches, and 0xC0–0xFF into letters, which <c>\w</c> matches:
    /// a UTF-8 "é" must not extend a token.)
    /// </summary>
    internal const char NonAsciiByte = '\u0080';

    /// <summary>
    /// One char per byte, so a char index is a byte offset: ASCII stays itself (rule regexes are
    /// ASCII), every other byte becomes <see cref="NonAsciiByte"/>. Widening is vectorised; only a
    /// window that holds non-ASCII bytes pays the per-byte fix-up, from its first such byte.
    /// </summary>
    internal static void Project(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        Encoding.Latin1.GetChars(bytes, chars);
        int first = bytes.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
        if (first < 0)
        {
            return;
        }
        for (int i = first; i < bytes.Length; i++)
        {
            if (bytes[i] >= 0x80)
            {
                chars[i] = NonAsciiByte;
            }
        }
    }

    /// <summary>
    /// A fallback finding yields to any overlapping finding of a specific rule, and to an overlapping
    /// fallback finding of higher priority (equal priority: the rule loaded first wins). Every drop is
    /// decided against the full list first (removing while deciding would let a dropped finding's
    /// absence change another's verdict). <paramref name="matches"/> is sorted by start, so each
    /// overlapping pair is met once by walking forward from a match while the next one starts before
    /// it ends: O(n + overlapping pairs) instead of comparing every pair.
    /// </summary>
    private void DropYieldingFallbacks(List<RawMatch> matches)
    {
        if (matches.Count < 2)
        {
            return;
        }
        Span<bool> drop = matches.Count <= 256 ? stackalloc bool[matches.Count] : new bool[matches.Count];
        bool any = false;
        var span = CollectionsMarshal.AsSpan(matches);
        for (int i = 0; i < span.Length; i++)
        {
            var a = span[i];
            for (int j = i + 1; j < span.Length && span[j].Start < a.End; j++)
            {
                var b = span[j];
                if (a.RuleIndex == b.RuleIndex || b.Start >= a.End || a.Start >= b.End)
                {
                    continue;
                }
                if (_rules[a.RuleIndex].Fallback && Outranks(_rules[b.RuleIndex], b.RuleIndex, a.RuleIndex))
                {
                    drop[i] = any = true;
                }
                if (_rules[b.RuleIndex].Fallback && Outranks(_rules[a.RuleIndex], a.RuleIndex, b.RuleIndex))
                {
                    drop[j] = any = true;
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

    private void ToFindings(in Chunk chunk, ReadOnlySpan<byte> data, List<RawMatch> matches, List<RawMatch> masks,
        List<Finding> output)
    {
        var cursor = new LineCursor(data);
        int markerLine = -1;
        bool markerOnLine = false;
        int maskFrom = 0;
        foreach (var m in matches)
        {
            var (startLine, startCol, lineStart) = cursor.Locate(m.Start);
            int endLineIndex = startLine + data[m.Start..m.End].Count((byte)'\n');
            int endLineStart = endLineIndex == startLine ? lineStart : data[..m.End].LastIndexOf((byte)'\n') + 1;
            int endCol = Encoding.UTF8.GetCharCount(data[endLineStart..m.End]) + 1;
            var rule = _rules[m.RuleIndex];
            var (from, to) = SnippetRange(data, lineStart, m.Start);
            string snippet = Encoding.UTF8.GetString(data[from..to]);
            int snippetOffset = Encoding.UTF8.GetCharCount(data[from..m.Start]);
            if (lineStart != markerLine)
            {
                // Once per line, however many findings it holds.
                markerLine = lineStart;
                markerOnLine = LineHasMarker(data, lineStart);
            }
            // Masks are sorted by start; skip those that end before this snippet (they never will again).
            while (maskFrom < masks.Count && masks[maskFrom].End <= lineStart)
            {
                maskFrom++;
            }
            var spans = new List<TextSpan>();
            for (int k = maskFrom; k < masks.Count && masks[k].Start < to; k++)
            {
                int s0 = Math.Max(masks[k].Start, from), s1 = Math.Min(masks[k].End, to);
                if (s1 > s0)
                {
                    int at = Encoding.UTF8.GetCharCount(data[from..s0]);
                    spans.Add(new TextSpan(at, Encoding.UTF8.GetCharCount(data[s0..s1])));
                }
            }
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
            {
                SnippetOffset = snippetOffset,
                SecretSpans = spans,
                DisplayFile = chunk.DisplayPath ?? chunk.Path,
                InlineAllowed = markerOnLine,
                Structure = StructureChecks.Apply(rule.Structure, m.Secret),
            });
        }
    }

    /// <summary>Whether the line starting at <paramref name="lineStart"/> holds an inline allow marker.</summary>
    private bool LineHasMarker(ReadOnlySpan<byte> data, int lineStart)
    {
        if (_inlineMarkers is null)
        {
            return false;
        }
        int le = data[lineStart..].IndexOf((byte)'\n');
        var line = le < 0 ? data[lineStart..] : data.Slice(lineStart, le);
        // Markers are ASCII: project the line (non-ASCII bytes cannot be part of one) and search it.
        char[] rented = ArrayPool<char>.Shared.Rent(line.Length);
        try
        {
            var chars = rented.AsSpan(0, line.Length);
            Project(line, chars);
            return chars.IndexOfAny(_inlineMarkers) >= 0;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The byte range of the line shown around a secret: at most ~<see cref="SnippetContext"/> bytes
    /// before it and 256 more after, CR and LF removed, never cutting a UTF-8 sequence. The search for
    /// the line's end is bounded too, so a megabyte-long minified line costs the same as a short one.
    /// </summary>
    private static (int From, int To) SnippetRange(ReadOnlySpan<byte> data, int lineStart, int secretStart)
    {
        int from = Math.Max(lineStart, secretStart - SnippetContext);
        while (from > lineStart && (data[from] & 0xC0) == 0x80)
        {
            from--; // do not cut a UTF-8 sequence
        }
        int limit = Math.Min(data.Length, secretStart + SnippetContext + 256);
        int eol = data[secretStart..limit].IndexOf((byte)'\n');
        int to = eol < 0 ? limit : secretStart + eol;
        while (to < data.Length && to > secretStart && (data[to] & 0xC0) == 0x80)
        {
            to--;
        }
        if (to > from && data[to - 1] == '\r')
        {
            to--;
        }
        return (from, to);
    }

    private const int SnippetContext = 120;

    /// <summary>A rule's window: its regex sees bytes [Start, End) and looks for matches from From on.</summary>
    internal readonly record struct Window(int RuleIndex, int Start, int End, int From);

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
