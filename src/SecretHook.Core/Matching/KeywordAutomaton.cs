using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SecretHook.Core.Matching;

/// <summary>
/// One occurrence of a keyword in a haystack: the keyword's id (its index in the builder) and the
/// half-open byte range <c>[Start, End)</c> it occupies.
/// </summary>
public readonly record struct KeywordHit(int KeywordId, int Start, int End);

/// <summary>
/// An immutable, thread-safe Aho-Corasick automaton over UTF-8 bytes that reports every occurrence of
/// every keyword, overlapping ones included, matching ASCII letters case-insensitively. Built by
/// <see cref="KeywordAutomatonBuilder"/>.
/// </summary>
/// <remarks>
/// The automaton is a full DFA: failure transitions are resolved at build time, so the search loop does
/// one table load per input byte. Bytes are first mapped to equivalence classes (every byte that occurs
/// in no keyword shares class 0, and upper-case ASCII folds onto lower-case), which keeps the table at
/// <c>states × classes</c> ints. States are renumbered so that every state with an output comes after
/// every state without one, and state ids are premultiplied by the class count, so "did a keyword end
/// here" is a single comparison against <see cref="_firstMatchState"/>. While the automaton sits in its
/// start state it skips ahead with a vectorised <see cref="SearchValues{T}"/> search for a keyword's
/// first byte, when that set is small enough for the skip to pay (see <see cref="MaxSkipBytes"/>).
/// When it is not (the built-in pack), and every keyword is at least three bytes long, searches on an
/// AVX2 CPU go through <see cref="KeywordPrefilter"/> instead, whose output is identical; the DFA
/// remains the path for other CPUs and the reference the tests compare against.
/// </remarks>
public sealed partial class KeywordAutomaton
{
    /// <summary>
    /// The start-state skip is used only when keywords begin with at most this many distinct bytes
    /// (case variants counted). Above that, typical source text stops the vectorised search every few
    /// bytes, and the per-call overhead costs more than the plain table walk it replaces.
    /// </summary>
    internal const int MaxSkipBytes = 24;

    private int[]? _table;                  // premultiplied state id + class → premultiplied next state (see Table)
    private readonly Func<int[]>? _loadTable;
    private readonly int _stateCount;
    private readonly byte[] _classOf;       // byte → equivalence class
    private readonly int _classCount;
    private readonly int _firstMatchState;  // premultiplied: states >= this have outputs
    private readonly int[] _outputStart;    // per (state / classCount - firstMatchIndex): range into _outputs
    private readonly int[] _outputs;        // keyword ids
    private readonly int[] _keywordLength;
    private readonly int _maxKeywordLength;
    private readonly SearchValues<byte>? _startBytes;
    private readonly byte[]? _startPairs;     // with the skip: each keyword's first two bytes | 0x20, flat (a0 b0 a1 b1 ...)
    private readonly KeywordPrefilter? _prefilter;
    private readonly string[] _keywords;

    internal KeywordAutomaton(int[] table, byte[] classOf, int classCount, int firstMatchState,
        int[] outputStart, int[] outputs, int[] keywordLength, SearchValues<byte>? startBytes, byte[]? startPairs, KeywordPrefilter? prefilter, string[] keywords)
        : this(table, null, table.Length / classCount, classOf, classCount, firstMatchState, outputStart, outputs, keywordLength, startBytes, startPairs, prefilter, keywords)
    {
    }

    /// <summary>With <paramref name="table"/> null, <paramref name="loadTable"/> reads it on first use (a prebuilt automaton whose searches go through the prefilter never needs it).</summary>
    private KeywordAutomaton(int[]? table, Func<int[]>? loadTable, int stateCount, byte[] classOf, int classCount, int firstMatchState,
        int[] outputStart, int[] outputs, int[] keywordLength, SearchValues<byte>? startBytes, byte[]? startPairs, KeywordPrefilter? prefilter, string[] keywords)
    {
        _keywords = keywords;
        _prefilter = prefilter;
        _table = table;
        _loadTable = loadTable;
        _stateCount = stateCount;
        _classOf = classOf;
        _classCount = classCount;
        _firstMatchState = firstMatchState;
        _outputStart = outputStart;
        _outputs = outputs;
        _keywordLength = keywordLength;
        _maxKeywordLength = keywordLength.Length == 0 ? 1 : keywordLength.Max();
        _startBytes = startBytes;
        _startPairs = startBytes is null ? null : startPairs;
    }

    /// <summary>The number of keywords the automaton was built from.</summary>
    public int KeywordCount => _keywordLength.Length;

    /// <summary>The number of DFA states (for diagnostics and benchmarks).</summary>
    public int StateCount => _stateCount;

    /// <summary>The DFA table, read on first use when the automaton is prebuilt.</summary>
    private int[] Table => _table ?? LoadTable();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int[] LoadTable()
    {
        // Checked as it is read (KeywordAutomatonFormat.cs, CheckTable).
        var table = _loadTable!();
        return Interlocked.CompareExchange(ref _table, table, null) ?? table;
    }

    /// <summary>Whether the vectorised start-state skip is in use.</summary>
    public bool UsesStartSkip => _startBytes is not null;

    /// <summary>The most distinct first-two-byte pairs for which the skip looks for a pair rather than a first byte.</summary>
    internal const int MaxStartPairs = 4;

    /// <summary>Whether the skip looks for the keywords' first two bytes (at most <see cref="MaxStartPairs"/> pairs).</summary>
    internal bool UsesStartPairs => _startPairs is not null;

    /// <summary>
    /// Whether searches go through the vectorised fingerprint prefilter (keywords that begin with too
    /// many distinct bytes for the start-state skip, all at least three bytes long, on a CPU with AVX2).
    /// </summary>
    public bool UsesPrefilter => _prefilter is not null && Avx2.IsSupported;

    /// <summary>The fingerprint prefilter, when the keywords allow one (tests and benchmarks).</summary>
    internal KeywordPrefilter? Prefilter => _prefilter;

    /// <summary>Keyword <paramref name="keywordId"/>, folded to lower case (tests and diagnostics).</summary>
    internal string Keyword(int keywordId) => _keywords[keywordId];

    /// <summary>The length in bytes of keyword <paramref name="keywordId"/>.</summary>
    public int KeywordLength(int keywordId) => _keywordLength[keywordId];

    /// <summary>
    /// Appends every keyword occurrence in <paramref name="haystack"/> to <paramref name="hits"/>, in
    /// order of their end offsets (occurrences ending at the same byte: longest keyword first).
    /// Allocates nothing beyond growing <paramref name="hits"/>.
    /// </summary>
    public void FindAll(ReadOnlySpan<byte> haystack, List<KeywordHit> hits)
    {
        if (_prefilter is not null && Avx2.IsSupported)
        {
            _prefilter.FindAll(haystack, hits);
            return;
        }
        FindAllWithDfa(haystack, hits);
    }

    /// <summary>The DFA search (with the start-state skip when it is on), whatever the prefilter; the reference for tests.</summary>
    internal void FindAllWithDfa(ReadOnlySpan<byte> haystack, List<KeywordHit> hits)
    {
        if (_startBytes is null)
        {
            if (haystack.Length >= TwoStreamThreshold && haystack.Length / 2 >= _maxKeywordLength)
            {
                WalkTwoStreams(haystack, hits);
            }
            else
            {
                Walk(haystack, 0, haystack.Length, 0, hits);
            }
            return;
        }
        int i = 0;
        while (i < haystack.Length)
        {
            // In the start state: jump to the next byte (or pair of bytes) that can begin a keyword.
            // No keyword begins before it, so the DFA restarts there in the start state.
            int next;
            if (_startPairs is not null)
            {
                next = NextPairStart(haystack, i, _startPairs);
            }
            else
            {
                next = haystack[i..].IndexOfAny(_startBytes);
                next = next < 0 ? -1 : i + next;
            }
            if (next < 0)
            {
                return;
            }
            i = Walk(haystack, next, haystack.Length, 0, hits);
        }
    }

    /// <summary>
    /// The first position at or after <paramref name="from"/> whose byte and the next, each OR-ed with
    /// 0x20, are one of <paramref name="pairs"/>; -1 if none. 32 positions per step: two loads, and two
    /// compares per pair (one pair: 64 positions per step).
    /// </summary>
    internal static int NextPairStart(ReadOnlySpan<byte> haystack, int from, byte[] pairs)
    {
        int i = from;
        if (Vector256.IsHardwareAccelerated && pairs.Length == 2)
        {
            // One pair (a configuration with one keyword, or keywords sharing their first two bytes):
            // its vectors made once, 64 positions per step.
            ref byte text = ref MemoryMarshal.GetReference(haystack);
            var fold = Vector256.Create((byte)0x20);
            var first = Vector256.Create(pairs[0]);
            var second = Vector256.Create(pairs[1]);
            // Written so that it cannot overflow: i + 65 would wrap for an input near 2 GiB.
            for (; i <= haystack.Length - 65; i += 64)
            {
                var low = Vector256.Equals(Vector256.LoadUnsafe(ref text, (nuint)i) | fold, first)
                    & Vector256.Equals(Vector256.LoadUnsafe(ref text, (nuint)i + 1) | fold, second);
                var high = Vector256.Equals(Vector256.LoadUnsafe(ref text, (nuint)i + 32) | fold, first)
                    & Vector256.Equals(Vector256.LoadUnsafe(ref text, (nuint)i + 33) | fold, second);
                if ((low | high) != Vector256<byte>.Zero)
                {
                    ulong bits = low.ExtractMostSignificantBits() | ((ulong)high.ExtractMostSignificantBits() << 32);
                    return i + BitOperations.TrailingZeroCount(bits);
                }
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            ref byte text = ref MemoryMarshal.GetReference(haystack);
            var fold = Vector256.Create((byte)0x20);
            for (; i + 33 <= haystack.Length; i += 32)
            {
                var v0 = Vector256.LoadUnsafe(ref text, (nuint)i) | fold;
                var v1 = Vector256.LoadUnsafe(ref text, (nuint)i + 1) | fold;
                var hit = Vector256.Equals(v0, Vector256.Create(pairs[0])) & Vector256.Equals(v1, Vector256.Create(pairs[1]));
                for (int p = 2; p < pairs.Length; p += 2)
                {
                    hit |= Vector256.Equals(v0, Vector256.Create(pairs[p])) & Vector256.Equals(v1, Vector256.Create(pairs[p + 1]));
                }
                uint bits = hit.ExtractMostSignificantBits();
                if (bits != 0)
                {
                    return i + BitOperations.TrailingZeroCount(bits);
                }
            }
        }
        for (; i + 1 < haystack.Length; i++)
        {
            int a = haystack[i] | 0x20, b = haystack[i + 1] | 0x20;
            for (int p = 0; p < pairs.Length; p += 2)
            {
                if (a == pairs[p] && b == pairs[p + 1])
                {
                    return i;
                }
            }
        }
        return -1;
    }

    /// <summary>
    /// Inputs at least this long are searched as two interleaved halves. One DFA walk is bound by the
    /// latency of its table load (each step needs the previous state); two independent walks in one
    /// loop overlap those loads, which measured 2x the throughput (546 → 1070 MB/s, JIT) on 8 MiB of SDK text.
    /// </summary>
    internal const int TwoStreamThreshold = 4096;

    /// <summary>
    /// Moves the hits ending after <paramref name="mid"/> (the second stream's) behind the others,
    /// keeping each stream's order, with a pooled buffer so the search allocates nothing.
    /// </summary>
    private static void StablePartition(Span<KeywordHit> span, int mid)
    {
        var rented = ArrayPool<KeywordHit>.Shared.Rent(span.Length);
        int late = 0, early = 0;
        foreach (var hit in span)
        {
            if (hit.End > mid)
            {
                rented[late++] = hit;
            }
            else
            {
                span[early++] = hit;
            }
        }
        rented.AsSpan(0, late).CopyTo(span[early..]);
        ArrayPool<KeywordHit>.Shared.Return(rented);
    }

    /// <summary>
    /// Walks the first half and the second half in lock-step. The second walk starts
    /// <c>longest keyword - 1</c> bytes before the midpoint and reports only occurrences ending after
    /// it, so every occurrence is reported exactly once; the hits are then put back in end order.
    /// </summary>
    private void WalkTwoStreams(ReadOnlySpan<byte> haystack, List<KeywordHit> hits)
    {
        ref int table = ref MemoryMarshal.GetArrayDataReference(Table);
        ref byte classOf = ref MemoryMarshal.GetArrayDataReference(_classOf);
        ref byte text = ref MemoryMarshal.GetReference(haystack);
        int firstMatch = _firstMatchState;
        int mid = haystack.Length / 2;
        int startB = mid - (_maxKeywordLength - 1);
        Debug.Assert(startB >= 0);
        int first = hits.Count;
        bool interleaved = false;
        int a = 0, b = 0;
        for (int i = 0; i < mid; i++)
        {
            a = Unsafe.Add(ref table, a + Unsafe.Add(ref classOf, Unsafe.Add(ref text, i)));
            b = Unsafe.Add(ref table, b + Unsafe.Add(ref classOf, Unsafe.Add(ref text, startB + i)));
            if (a >= firstMatch)
            {
                Report(a, i + 1, hits);
            }
            if (b >= firstMatch && startB + i + 1 > mid)
            {
                interleaved = true;
                Report(b, startB + i + 1, hits);
            }
        }
        int tail = hits.Count;
        Walk(haystack, startB + mid, haystack.Length, b, hits);
        if (interleaved)
        {
            StablePartition(CollectionsMarshal.AsSpan(hits)[first..tail], mid);
        }
    }

    /// <summary>
    /// Runs the DFA from <paramref name="start"/> in <paramref name="state"/> until <paramref name="end"/>,
    /// or — when the start-state skip is on — until it falls back to the start state; returns where it stopped.
    /// </summary>
    private int Walk(ReadOnlySpan<byte> haystack, int start, int end, int state, List<KeywordHit> hits)
    {
        ref int table = ref MemoryMarshal.GetArrayDataReference(Table);
        ref byte classOf = ref MemoryMarshal.GetArrayDataReference(_classOf);
        ref byte text = ref MemoryMarshal.GetReference(haystack);
        int firstMatch = _firstMatchState;
        bool stopAtStart = _startBytes is not null;
        Debug.Assert((uint)end <= (uint)haystack.Length);
        for (int i = start; i < end; i++)
        {
            state = Unsafe.Add(ref table, state + Unsafe.Add(ref classOf, Unsafe.Add(ref text, i)));
            if (state >= firstMatch)
            {
                Report(state, i + 1, hits);
            }
            else if (state == 0 && stopAtStart)
            {
                return i + 1;
            }
        }
        return end;
    }

    /// <summary>Whether <paramref name="haystack"/> contains any keyword. Stops at the first one.</summary>
    public bool ContainsAny(ReadOnlySpan<byte> haystack)
    {
        int state = 0;
        var table = Table;
        for (int i = 0; i < haystack.Length; i++)
        {
            state = table[state + _classOf[haystack[i]]];
            if (state >= _firstMatchState)
            {
                return true;
            }
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Report(int state, int end, List<KeywordHit> hits)
    {
        int slot = (state - _firstMatchState) / _classCount;
        for (int o = _outputStart[slot]; o < _outputStart[slot + 1]; o++)
        {
            int id = _outputs[o];
            hits.Add(new KeywordHit(id, end - _keywordLength[id], end));
        }
    }

    internal static bool ShouldSkip(int distinctStartBytes) => distinctStartBytes <= MaxSkipBytes;

    [Conditional("DEBUG")]
    internal void AssertInvariants()
    {
        Debug.Assert(_table is null || _table.Length == _stateCount * _classCount);
        Debug.Assert(_firstMatchState % _classCount == 0);
    }
}
