using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SecretHook.Core.Matching;

/// <summary>
/// The fast path of <see cref="KeywordAutomaton.FindAll"/> for keyword sets whose first bytes are too
/// varied for the start-state skip (the built-in pack: 555 keywords). Every
/// keyword is represented by one three-byte <em>fingerprint</em> taken from anywhere inside it, chosen
/// so that the fingerprint is rare in source code. A search runs three stages:
/// <list type="number">
/// <item>a Teddy-style vectorised filter (AVX2, 32 positions per step) over packed masks indexed by each
///   byte's low nibble and by its bits 3–6:
///   32 buckets of fingerprints in four sets of 8, a position passes when its three bytes could belong
///   to one bucket's fingerprint (3.4% of positions of the benchmarks' kernel C and Python, 4.8% of its
///   SDK text; 16 buckets let 8.0% and 9.7% through once the pack had grown to 555 keywords);</item>
/// <item>an exact-or-collision test of the position's three bytes against a 64 Ki-bit hashed bitmap
///   of the fingerprints (leaves 0.3% on source code; 1% on text full of real keyword hits);</item>
/// <item>verification: each keyword owning that fingerprint is compared, ASCII case-insensitively, at
///   the offset its fingerprint has inside it.</item>
/// </list>
/// Contract: a stage may say "maybe", never a wrong "no" — the output is exactly the automaton's
/// (every overlapping occurrence, ordered by end offset, longest keyword first at the same end, then by
/// keyword id). Hits are found in fingerprint order and inserted into place, which moves each at most
/// a keyword length back. Design and measurements: docs/DESIGN.md, "Keyword prefilter".
/// </summary>
internal sealed partial class KeywordPrefilter
{
    /// <summary>Fingerprint length in bytes; keywords must be at least this long.</summary>
    internal const int Width = 3;

    /// <summary>Buckets of the vectorised filter: four sets of 8, one bit each per byte lane.</summary>
    internal const int BucketCount = 32;

    /// <summary>Sets of 8 buckets (one bit each per byte lane); each set has its own nibble tables.</summary>
    internal const int Sets = BucketCount / 8;

    private const int HashBits = 16;
    private const uint HashMultiplier = 0x9E3779B1u;
    private const uint LossyFold = 0x202020; // OR 0x20 into each fingerprint byte (see Code)

    // [set * 6 + position * 2 + (0: low nibble, 1: bits 3-6)], each 16 entries repeated in both lanes.
    private readonly Vector256<byte>[] _masks;
    private readonly uint[] _bitmap;
    private readonly uint[] _slotCode;   // 0 = empty (a code always has 0x20 bits set, so never 0)
    private readonly int[] _slotStart;   // [_slotStart[s], _slotEnd[s]): the slot's range in _entries
    private readonly int[] _slotEnd;
    private readonly Entry[] _entries;
    private readonly int _slotMask;

    private KeywordPrefilter(Vector256<byte>[] masks, uint[] bitmap, uint[] slotCode, int[] slotStart, int[] slotEnd,
        Entry[] entries)
    {
        _masks = masks;
        _bitmap = bitmap;
        _slotCode = slotCode;
        _slotStart = slotStart;
        _slotEnd = slotEnd;
        _entries = entries;
        _slotMask = slotCode.Length - 1;
    }

    /// <summary>The chosen fingerprint offset of each keyword (for tests and the design notes).</summary>
    internal int[] FingerprintOffsets { get; private init; } = [];

    /// <summary>The bucket of each keyword's fingerprint (for tests and the design notes).</summary>
    internal int[] Buckets { get; private init; } = [];

    /// <summary>
    /// How often each byte value occurs in source code once OR-ed with 0x20 (the lossy fold the filter
    /// applies), per 100,000 bytes, for the four high nibbles an ASCII byte can have after that fold
    /// (2, 3, 6, 7; rows) and each low nibble (columns). Measured on 8 MB of Linux 6.1 .c/.h files and
    /// 8 MB of scikit-learn .py files (benchmarks/README.md); 0x20 counts spaces and NULs, 0x2A newlines
    /// and '*', 0x29 tabs and ')', 0x7F '_'. Used only to choose fingerprints: a wrong guess costs speed,
    /// never a match.
    /// </summary>
    private static ReadOnlySpan<ushort> SourceFrequency =>
    [
        20710, 29, 669, 348, 1, 37, 84, 78, 990, 2796, 3518, 57, 1394, 599, 907, 270,
        1271, 581, 465, 270, 223, 208, 169, 99, 173, 115, 361, 441, 88, 850, 292, 7,
        196, 4193, 902, 2586, 2426, 6613, 1869, 1119, 1181, 4036, 55, 541, 2525, 1984, 3603, 3040,
        2058, 190, 4251, 4341, 4923, 1658, 765, 497, 941, 620, 127, 371, 95, 370, 9, 3808,
    ];

    private static int Row(int hi) => hi switch { 2 => 0, 3 => 1, 6 => 2, _ => 3 };

    /// <summary>Source frequency of folded byte <paramref name="c"/> (0 for values folded text never holds).</summary>
    private static double Frequency(int c) => (c >> 4) is 2 or 3 or 6 or 7 && c < 0x80 ? SourceFrequency[Row(c >> 4) * 16 + (c & 15)] + 1 : 0;

    /// <summary>The filter's first index of a folded byte: its low nibble.</summary>
    private static int Low(int c) => c & 15;

    /// <summary>
    /// The filter's second index: bits 3–6. For letters it takes four values (a–g, h–o, p–w, x–z)
    /// where the high nibble takes two, which measured 23% fewer stage-1 candidates (docs/DESIGN.md).
    /// </summary>
    private static int Mid(int c) => (c >> 3) & 15;

    /// <summary>The ASCII byte with low nibble <paramref name="l"/> and bits 3–6 <paramref name="m"/>, or -1 (bit 3 disagrees).</summary>
    private static int Join(int l, int m) => ((l >> 3) & 1) == (m & 1) ? (m << 3) | (l & 7) : -1;


    /// <summary>Parts per 100,000 → share (the scale of bucket estimates).</summary>
    private const double Scale = 100_000;

    /// <summary>
    /// Builds the prefilter for keywords already folded to lower case, or returns null when a keyword
    /// is shorter than <see cref="Width"/> or contains a non-ASCII byte.
    /// </summary>
    internal static KeywordPrefilter? TryBuild(IReadOnlyList<byte[]> keywords)
    {
        if (keywords.Count == 0)
        {
            return null;
        }
        foreach (var k in keywords)
        {
            if (k.Length < Width || k.AsSpan().ContainsAnyInRange((byte)0x80, (byte)0xFF))
            {
                return null;
            }
        }

        // Greedy assignment, hardest keyword first (the one whose rarest window is most common): each
        // keyword takes the (window, bucket) pair with the least cost, where cost = how much the
        // bucket's estimated stage-1 pass rate grows + TrigramWeight × the window's own estimated
        // frequency (what stage 2 lets through). A bucket's pass-rate estimate is the product over the
        // three positions of the summed source frequency of every byte its nibble masks admit — the
        // cross product is what a nibble filter really accepts.
        var rarity = TrigramRarity.Value;
        var state = new BucketState();
        var order = Enumerable.Range(0, keywords.Count)
            .Select(id => (id, best: Enumerable.Range(0, keywords[id].Length - Width + 1).Min(o => EstimatedFrequency(rarity, keywords[id], o))))
            .OrderByDescending(t => t.best).ThenBy(t => t.id).Select(t => t.id).ToArray();
        var offsets = new int[keywords.Count];
        var buckets = new int[keywords.Count];
        foreach (int id in order)
        {
            var kw = keywords[id];
            double bestCost = double.MaxValue;
            int bestOffset = 0, bestBucket = 0;
            for (int o = 0; o + Width <= kw.Length; o++)
            {
                double own = TrigramWeight * EstimatedFrequency(rarity, kw, o);
                int c0 = kw[o] | 0x20, c1 = kw[o + 1] | 0x20, c2 = kw[o + 2] | 0x20;
                for (int b = 0; b < BucketCount; b++)
                {
                    // A window already in the bucket adds nothing at any position: cost = own.
                    double s0 = state.Sum[b * Width], s1 = state.Sum[b * Width + 1], s2 = state.Sum[b * Width + 2];
                    double after = (s0 + state.Added(b * Width, c0)) * (s1 + state.Added(b * Width + 1, c1)) * (s2 + state.Added(b * Width + 2, c2));
                    double cost = after - s0 * s1 * s2 + own;
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        bestOffset = o;
                        bestBucket = b;
                    }
                }
            }
            offsets[id] = bestOffset;
            buckets[id] = bestBucket;
            for (int j = 0; j < Width; j++)
            {
                state.Admit(bestBucket * Width + j, kw[bestOffset + j] | 0x20);
            }
        }
        var lo = state.Lo;
        var mid = state.Mid;

        // Nibble masks: bit (bucket % 8) of set (bucket / 8).
        var masks = new Vector256<byte>[Sets * Width * 2];
        for (int set = 0; set < Sets; set++)
        {
            for (int j = 0; j < Width; j++)
            {
                var loTable = new byte[32];
                var midTable = new byte[32];
                for (int b = set * 8; b < set * 8 + 8; b++)
                {
                    byte bit = (byte)(1 << (b - set * 8));
                    for (int n = 0; n < 16; n++)
                    {
                        if ((lo[b * Width + j] & (1 << n)) != 0)
                        {
                            loTable[n] |= bit;
                            loTable[n + 16] |= bit;
                        }
                    }
                    for (int n = 0; n < 16; n++)
                    {
                        if ((mid[b * Width + j] & (1 << n)) != 0)
                        {
                            midTable[n] |= bit;
                            midTable[n + 16] |= bit;
                        }
                    }
                }
                masks[set * 6 + j * 2] = Vector256.Create(loTable);
                masks[set * 6 + j * 2 + 1] = Vector256.Create(midTable);
            }
        }

        // Bitmap and the fingerprint → keywords table (open addressing, load factor <= 1/4).
        var bitmap = new uint[(1 << HashBits) / 32];
        var byCode = new Dictionary<uint, List<int>>();
        for (int id = 0; id < keywords.Count; id++)
        {
            uint code = Code(keywords[id], offsets[id]);
            uint h = Hash(code);
            bitmap[h >> 5] |= 1u << (int)(h & 31);
            if (!byCode.TryGetValue(code, out var list))
            {
                byCode[code] = list = [];
            }
            list.Add(id);
        }
        int slots = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, byCode.Count * 4));
        var slotCode = new uint[slots];
        var slotStart = new int[slots];
        var slotEnd = new int[slots];
        var entries = new List<Entry>();
        foreach (var (code, ids) in byCode)
        {
            int s = (int)(Hash(code) & (uint)(slots - 1));
            while (slotCode[s] != 0)
            {
                s = (s + 1) & (slots - 1);
            }
            slotCode[s] = code;
            slotStart[s] = entries.Count;
            foreach (int id in ids)
            {
                entries.Add(Entry.For(id, offsets[id], keywords[id]));
            }
            slotEnd[s] = entries.Count;
        }
        return new KeywordPrefilter(masks, bitmap, slotCode, slotStart, slotEnd, [.. entries])
        {
            FingerprintOffsets = offsets,
            Buckets = buckets,
        };
    }

    /// <summary>
    /// Weight of a window's own frequency against the growth of its bucket's pass rate. Stage 2 and
    /// verification cost several times what a stage-1 candidate does; 4 measured best among 0, 1, 4
    /// (docs/DESIGN.md).
    /// </summary>
    private const double TrigramWeight = 4;

    /// <summary>
    /// Rank of each of <see cref="SourceTrigrams"/>' trigrams (as fingerprint codes), built once.
    /// </summary>
    private static readonly Lazy<Dictionary<uint, int>> TrigramRarity = new(() =>
    {
        var table = SourceTrigrams.ByFrequency;
        var ranks = new Dictionary<uint, int>(table.Length / Width);
        for (int r = 0; r * Width < table.Length; r++)
        {
            ranks.TryAdd(Code(table, r * Width), r);
        }
        return ranks;
    });

    /// <summary>
    /// The estimated share of source-code positions holding the window at <paramref name="offset"/>:
    /// for one of the <see cref="SourceTrigrams"/>, interpolated geometrically between the first's and
    /// the last's share by rank; otherwise the product of the byte frequencies, capped at the last's.
    /// </summary>
    private static double EstimatedFrequency(Dictionary<uint, int> ranks, byte[] kw, int offset)
    {
        const double first = SourceTrigrams.FirstPpm / 1e6, last = SourceTrigrams.LastPpm / 1e6;
        if (ranks.TryGetValue(Code(kw, offset), out int rank))
        {
            return first * Math.Pow(last / first, rank / (double)(ranks.Count - 1));
        }
        double c = 1;
        for (int j = 0; j < Width; j++)
        {
            int b = kw[offset + j] | 0x20;
            c *= Frequency(b) / Scale;
        }
        return Math.Min(c, last);
    }

    /// <summary>
    /// The greedy assignment's view of the buckets: per (bucket, position) the admitted low nibbles and
    /// bits 3–6, the summed frequency of the bytes in their cross product, and running row and column
    /// sums that make "what would admitting this byte add" O(1).
    /// </summary>
    private sealed class BucketState
    {
        internal readonly ushort[] Lo = new ushort[BucketCount * Width];
        internal readonly ushort[] Mid = new ushort[BucketCount * Width];
        internal readonly double[] Sum = new double[BucketCount * Width];
        private readonly double[] _byLow = new double[BucketCount * Width * 16]; // [slot*16 + l] = Σ over admitted m of F(l, m)
        private readonly double[] _byMid = new double[BucketCount * Width * 16]; // [slot*16 + m] = Σ over admitted l of F(l, m)

        private static readonly double[] Pair = BuildPairs();

        private static double[] BuildPairs()
        {
            var pair = new double[256];
            for (int l = 0; l < 16; l++)
            {
                for (int m = 0; m < 16; m++)
                {
                    int c = Join(l, m);
                    pair[l * 16 + m] = c >= 0 ? Frequency(c) / Scale : 0;
                }
            }
            return pair;
        }

        /// <summary>What admitting folded byte <paramref name="c"/> at <paramref name="slot"/> adds to its admitted frequency.</summary>
        internal double Added(int slot, int c)
        {
            int l = Low(c), m = Mid(c);
            bool newLo = (Lo[slot] & (1 << l)) == 0;
            bool newMid = (Mid[slot] & (1 << m)) == 0;
            double added = 0;
            if (newLo)
            {
                // the new low nibble with every admitted second index, and with the new one
                added += _byLow[slot * 16 + l] + (newMid ? Pair[l * 16 + m] : 0);
            }
            if (newMid)
            {
                added += _byMid[slot * 16 + m];
            }
            return added;
        }

        internal void Admit(int slot, int c)
        {
            Sum[slot] += Added(slot, c);
            int l = Low(c), m = Mid(c);
            if ((Lo[slot] & (1 << l)) == 0)
            {
                Lo[slot] |= (ushort)(1 << l);
                for (int n = 0; n < 16; n++)
                {
                    _byMid[slot * 16 + n] += Pair[l * 16 + n];
                }
            }
            if ((Mid[slot] & (1 << m)) == 0)
            {
                Mid[slot] |= (ushort)(1 << m);
                for (int n = 0; n < 16; n++)
                {
                    _byLow[slot * 16 + n] += Pair[n * 16 + m];
                }
            }
        }
    }

    /// <summary>
    /// The fingerprint code of three bytes: little-endian, each OR-ed with 0x20. Two bytes that are
    /// equal ASCII case-insensitively have equal codes (case differs only in bit 0x20); unequal bytes
    /// can share one (<c>'_'</c> and DEL), which only lets a stage say "maybe".
    /// </summary>
    private static uint Code(ReadOnlySpan<byte> bytes, int offset) =>
        (uint)(bytes[offset] | bytes[offset + 1] << 8 | bytes[offset + 2] << 16) | LossyFold;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(uint code) => (code * HashMultiplier) >> (32 - HashBits);

    /// <summary>Appends every occurrence, in the automaton's order. <paramref name="vectorised"/> false forces the scalar filter (tests).</summary>
    internal void FindAll(ReadOnlySpan<byte> haystack, List<KeywordHit> hits, bool vectorised = true)
    {
        int n = haystack.Length;
        int first = hits.Count;
        int i = 0;
        if (vectorised && Avx2.IsSupported && n >= 32 + Width)
        {
            i = FilterAvx2(haystack, hits, first);
        }
        for (; i + Width <= n; i++)
        {
            Check(haystack, i, first, hits);
        }
    }

    /// <summary>
    /// How many positions of <paramref name="haystack"/> pass stage 1 (the nibble filter) and stage 2
    /// (the hashed bitmap); for the benchmarks and the design notes.
    /// </summary>
    internal (long Stage1, long Stage2, long Exact) CountCandidates(ReadOnlySpan<byte> haystack, Dictionary<uint, int>? exactByCode = null)
    {
        long s1 = 0, s2 = 0, s3 = 0;
        for (int p = 0; p + Width <= haystack.Length; p++)
        {
            bool pass = true;
            for (int j = 0; j < Width && pass; j++)
            {
                int c = haystack[p + j] | 0x20;
                int set = 0;
                byte any = 0;
                for (; set < Sets; set++)
                {
                    any |= (byte)(_masks[set * 6 + j * 2].GetElement(Low(c)) & _masks[set * 6 + j * 2 + 1].GetElement(Mid(c)));
                }
                pass = any != 0;
            }
            // The per-position test above ORs the two sets per byte, which is looser than the filter
            // (AND over positions within a set); recompute exactly.
            if (pass)
            {
                pass = false;
                for (int set = 0; set < Sets && !pass; set++)
                {
                    int acc = 0xFF;
                    for (int j = 0; j < Width; j++)
                    {
                        int c = haystack[p + j] | 0x20;
                        acc &= _masks[set * 6 + j * 2].GetElement(Low(c)) & _masks[set * 6 + j * 2 + 1].GetElement(Mid(c));
                    }
                    pass = acc != 0;
                }
            }
            if (pass)
            {
                s1++;
                uint h = Hash(Code(haystack, p));
                if ((_bitmap[h >> 5] & (1u << (int)(h & 31))) != 0)
                {
                    s2++;
                    uint code = Code(haystack, p);
                    int slot = (int)(h & (uint)_slotMask);
                    while (_slotCode[slot] != 0 && _slotCode[slot] != code)
                    {
                        slot = (slot + 1) & _slotMask;
                    }
                    if (_slotCode[slot] == code)
                    {
                        s3++;
                        if (exactByCode is not null)
                        {
                            exactByCode[code] = exactByCode.GetValueOrDefault(code) + 1;
                        }
                    }
                }
            }
        }
        return (s1, s2, s3);
    }

    /// <summary>Steps of 32 positions whose stage-1 candidates are found before any is checked (2 KiB of text).</summary>
    private const int StepsPerBatch = 64;

    /// <summary>
    /// Runs the vectorised filter over every position whose 32-byte loads fit; returns the first position
    /// not examined. In batches: stage 1 for 64 steps into a stack buffer of candidate bits, then stages
    /// 2 and 3 for those candidates in position order. The stage-1 loop holds no call and no branch on
    /// the data, so as many of its tables as fit stay in registers (checking candidates inside it, where
    /// Verify may be called, had them spilled to the stack and reloaded every step).
    /// </summary>
    private int FilterAvx2(ReadOnlySpan<byte> haystack, List<KeywordHit> hits, int first)
    {
        ref byte text = ref MemoryMarshal.GetReference(haystack);
        ref uint bitmap = ref MemoryMarshal.GetArrayDataReference(_bitmap);
        // Sized to the haystack (a stack buffer is zeroed on entry, and most chunks are small files).
        int most = Math.Clamp((haystack.Length - Width) / 32, 0, StepsPerBatch);
        Span<uint> batch = stackalloc uint[most];
        // Every position of a batch could be a candidate, and each Positions call (two steps) writes
        // up to 4 slots past the candidates it found.
        Span<int> positions = stackalloc int[most * 32 + 4];
        ref int slot = ref MemoryMarshal.GetReference(positions);
        int n = haystack.Length;
        int i = 0;
        // + 1: a candidate's code is read as four bytes (the fourth is masked off).
        while (i + 32 + Width <= n)
        {
            int steps = Math.Min(StepsPerBatch, (n - Width - i) / 32);
            Stage1(ref text, i, batch[..steps]);
            // The candidates' positions, in order, 64 at a time (two steps). Four are written whether
            // there are or not (the extra slots are overwritten), so two steps cost the same with 0 to 4
            // candidates and no branch depends on how many there are (two steps have 2.4 on average on
            // kernel C).
            int count = ListPositions(batch[..steps], i, ref slot);
            int passed = Stage2(ref text, ref bitmap, ref slot, count);
            for (int c = 0; c < passed; c++)
            {
                int p = Unsafe.Add(ref slot, c);
                uint code = (Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref text, p)) & 0xFFFFFF) | LossyFold;
                Verify(haystack, p, code, Hash(code), first, hits);
            }
            i += steps * 32;
        }
        return i;
    }

    /// <summary>
    /// The positions of the candidate bits of <paramref name="batch"/> (step k's bits are positions
    /// <paramref name="from"/> + 32k on), in order, written at <paramref name="slot"/>; returns how many.
    /// Its own method, so that its few values stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ListPositions(ReadOnlySpan<uint> batch, int from, ref int slot)
    {
        ref uint steps = ref MemoryMarshal.GetReference(batch);
        int count = 0, k = 0;
        for (; k + 1 < batch.Length; k += 2)
        {
            ulong bits = Unsafe.Add(ref steps, k) | ((ulong)Unsafe.Add(ref steps, k + 1) << 32);
            count = Positions(bits, from + (k * 32), ref slot, count);
        }
        if (k < batch.Length)
        {
            count = Positions(Unsafe.Add(ref steps, k), from + (k * 32), ref slot, count);
        }
        return count;
    }

    /// <summary>
    /// Stage 2 without a branch: of the <paramref name="count"/> positions at <paramref name="slot"/>,
    /// those whose fingerprint code hashes to a set bit of <paramref name="bitmap"/> are moved to the
    /// front, in order; returns how many.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Stage2(ref byte text, ref uint bitmap, ref int slot, int count)
    {
        // Native-sized indexes: no sign extension per candidate (positions are never negative).
        nint passed = 0;
        for (nint c = 0; c < count; c++)
        {
            int p = Unsafe.Add(ref slot, c);
            uint h = Hash((Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref text, (nuint)(uint)p)) & 0xFFFFFF) | LossyFold);
            Unsafe.Add(ref slot, passed) = p;
            passed += (nint)((Unsafe.Add(ref bitmap, h >> 5) >> (int)(h & 31)) & 1);
        }
        return (int)passed;
    }

    /// <summary>
    /// Writes <paramref name="at"/> plus the offset of each set bit of <paramref name="bits"/>, in order,
    /// at <paramref name="slot"/>[<paramref name="count"/>] on, and returns the new count; four slots are
    /// written even when there are fewer bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Positions(ulong bits, int at, ref int slot, int count)
    {
        int found = BitOperations.PopCount(bits);
        ref int dst = ref Unsafe.Add(ref slot, count);
        dst = at + BitOperations.TrailingZeroCount(bits);
        bits &= bits - 1;
        Unsafe.Add(ref dst, 1) = at + BitOperations.TrailingZeroCount(bits);
        bits &= bits - 1;
        Unsafe.Add(ref dst, 2) = at + BitOperations.TrailingZeroCount(bits);
        bits &= bits - 1;
        Unsafe.Add(ref dst, 3) = at + BitOperations.TrailingZeroCount(bits);
        bits &= bits - 1;
        for (int u = 4; u < found; u++)
        {
            Unsafe.Add(ref dst, u) = at + BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
        }
        return count + found;
    }

    /// <summary>Stage 1 for <c>candidates.Length</c> steps of 32 positions from <paramref name="from"/>: one bit per position that passes.</summary>
    private void Stage1(ref byte text, int from, Span<uint> candidates)
    {
        // 24 tables: more than the 16 ymm registers, so some are operands loaded from L1 each step,
        // which costs less than the candidates that 16 more buckets keep out.
        ref Vector256<byte> m = ref MemoryMarshal.GetArrayDataReference(_masks);
        var fold = Vector256.Create((byte)0x20);
        var nibble = Vector256.Create((byte)0x0F);
        for (int k = 0, i = from; k < candidates.Length; k++, i += 32)
        {
            var v0 = Vector256.LoadUnsafe(ref text, (nuint)i) | fold;
            var v1 = Vector256.LoadUnsafe(ref text, (nuint)(i + 1)) | fold;
            var v2 = Vector256.LoadUnsafe(ref text, (nuint)(i + 2)) | fold;
            var l0 = v0 & nibble;
            var h0 = Vector256.ShiftRightLogical(v0.AsUInt16(), 3).AsByte() & nibble; // bits 3-6
            var l1 = v1 & nibble;
            var h1 = Vector256.ShiftRightLogical(v1.AsUInt16(), 3).AsByte() & nibble; // bits 3-6
            var l2 = v2 & nibble;
            var h2 = Vector256.ShiftRightLogical(v2.AsUInt16(), 3).AsByte() & nibble; // bits 3-6
            var any = Vector256<byte>.Zero;
            for (int set = 0; set < Sets; set++)
            {
                ref Vector256<byte> t = ref Unsafe.Add(ref m, set * 6);
                any |= Avx2.Shuffle(t, l0) & Avx2.Shuffle(Unsafe.Add(ref t, 1), h0)
                    & Avx2.Shuffle(Unsafe.Add(ref t, 2), l1) & Avx2.Shuffle(Unsafe.Add(ref t, 3), h1)
                    & Avx2.Shuffle(Unsafe.Add(ref t, 4), l2) & Avx2.Shuffle(Unsafe.Add(ref t, 5), h2);
            }
            candidates[k] = ~Vector256.Equals(any, Vector256<byte>.Zero).ExtractMostSignificantBits();
        }
    }

    /// <summary>Stages 2 and 3 at position <paramref name="p"/> (which has <see cref="Width"/> bytes after it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Check(ReadOnlySpan<byte> haystack, int p, int first, List<KeywordHit> hits)
    {
        uint code = Code(haystack, p);
        uint h = Hash(code);
        if ((_bitmap[h >> 5] & (1u << (int)(h & 31))) != 0)
        {
            Verify(haystack, p, code, h, first, hits);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Verify(ReadOnlySpan<byte> haystack, int p, uint code, uint h, int first, List<KeywordHit> hits)
    {
        int s = (int)(h & (uint)_slotMask);
        while (_slotCode[s] != code)
        {
            if (_slotCode[s] == 0)
            {
                return; // a bitmap collision
            }
            s = (s + 1) & _slotMask;
        }
        ref byte text = ref MemoryMarshal.GetReference(haystack);
        for (int e = _slotStart[s]; e < _slotEnd[s]; e++)
        {
            ref readonly var entry = ref _entries[e];
            var kw = entry.Keyword;
            int start = p - entry.Offset;
            if (start < 0 || start + kw.Length > haystack.Length)
            {
                continue;
            }
            // Most fingerprints found belong to no keyword there: one compare of the first 8 bytes,
            // folded lossily (equal ASCII case-insensitively implies equal OR 0x20), rejects them.
            if (start + 8 <= haystack.Length && ((LittleEndian(ref Unsafe.Add(ref text, start)) | 0x2020202020202020UL) & entry.PrefixMask) != entry.Prefix)
            {
                continue;
            }
            if (EqualsFolded(haystack.Slice(start, kw.Length), kw))
            {
                Insert(hits, first, new KeywordHit(entry.Id, start, start + kw.Length));
            }
        }
    }

    /// <summary>
    /// A keyword owning a fingerprint: its id, the fingerprint's offset in it, the keyword (folded
    /// exactly: ASCII letters lower-case), and its first (up to) 8 bytes OR 0x20 with the mask of
    /// those bytes, as one little-endian word compared before the keyword is. Computed from the
    /// keyword (<see cref="For"/>), also when the tables are read from their binary form.
    /// </summary>
    private readonly record struct Entry(int Id, int Offset, byte[] Keyword, ulong Prefix, ulong PrefixMask)
    {
        public static Entry For(int id, int offset, byte[] keyword)
        {
            ulong prefix = 0, mask = 0;
            for (int j = 0; j < Math.Min(8, keyword.Length); j++)
            {
                prefix |= (ulong)(keyword[j] | 0x20) << (8 * j);
                mask |= 0xFFUL << (8 * j);
            }
            return new Entry(id, offset, keyword, prefix, mask);
        }
    }

    /// <summary>The 8 bytes at <paramref name="at"/> as a little-endian word, whatever the CPU's byte order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LittleEndian(ref byte at)
    {
        ulong word = Unsafe.ReadUnaligned<ulong>(ref at);
        return BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
    }

    private static bool EqualsFolded(ReadOnlySpan<byte> text, byte[] keyword)
    {
        for (int j = 0; j < keyword.Length; j++)
        {
            int b = text[j];
            if ((uint)(b - 'A') <= 'Z' - 'A')
            {
                b |= 0x20;
            }
            if (b != keyword[j])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Inserts <paramref name="hit"/> at its place among the hits from index <paramref name="first"/> on.</summary>
    private static void Insert(List<KeywordHit> hits, int first, KeywordHit hit)
    {
        hits.Add(hit);
        var span = CollectionsMarshal.AsSpan(hits);
        int k = span.Length - 1;
        while (k > first && Before(hit, span[k - 1]))
        {
            span[k] = span[k - 1];
            k--;
        }
        span[k] = hit;
    }

    /// <summary>The automaton's order: end offset, then longer first (earlier start), then keyword id.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Before(KeywordHit a, KeywordHit b) =>
        a.End != b.End ? a.End < b.End : a.Start != b.Start ? a.Start < b.Start : a.KeywordId < b.KeywordId;

}
