using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace SecretHook.Core.Matching;

/// <summary>
/// The binary form of a built <see cref="KeywordAutomaton"/> (its DFA and prefilter tables), so that
/// the build can compute the built-in pack's automaton once and every start reads it instead: building
/// it took a commit hook a few milliseconds of CPU, reading it is one copy per table. Written by
/// <see cref="KeywordAutomaton.Write"/>, offered with <see cref="KeywordAutomatonBuilder.OfferPrebuilt"/>.
/// Little-endian, and only read on a little-endian CPU (elsewhere the automaton is built).
/// </summary>
public sealed partial class KeywordAutomaton
{
    private const uint FormatMagic = 0x414B4853; // "SHKA"
    private const int FormatVersion = 4; // 2: 32 prefilter buckets; 3: entries' stored prefixes; 4: as 2 (prefixes computed on reading)

    /// <summary>Whether this automaton was read from a prebuilt form rather than computed (diagnostics and tests).</summary>
    public bool Prebuilt { get; private init; }

    /// <summary>Whether <paramref name="other"/> has exactly this automaton's tables (tests).</summary>
    internal bool SameTables(KeywordAutomaton other) =>
        _classCount == other._classCount && _firstMatchState == other._firstMatchState && _stateCount == other._stateCount
        && _classOf.AsSpan().SequenceEqual(other._classOf) && Table.AsSpan().SequenceEqual(other.Table)
        && _outputStart.AsSpan().SequenceEqual(other._outputStart) && _outputs.AsSpan().SequenceEqual(other._outputs)
        && _keywordLength.AsSpan().SequenceEqual(other._keywordLength) && _keywords.SequenceEqual(other._keywords)
        && (_startBytes is null) == (other._startBytes is null)
        && (_prefilter is null ? other._prefilter is null : other._prefilter is not null && _prefilter.SameTables(other._prefilter));

    /// <summary>Writes this automaton in the form <see cref="KeywordAutomatonBuilder.OfferPrebuilt"/> reads.</summary>
    public void Write(Stream output)
    {
        using var w = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        w.Write(FormatMagic);
        w.Write(FormatVersion);
        w.Write(_keywords.Length);
        foreach (var k in _keywords)
        {
            w.Write(k.Length);
            w.Write(Encoding.ASCII.GetBytes(k));
        }
        w.Write(_classCount);
        w.Write(_firstMatchState);
        w.Write(_stateCount);
        w.Write(_classOf);
        WriteArray(w, _outputStart);
        WriteArray(w, _outputs);
        w.Write(_prefilter is not null);
        _prefilter?.Write(w);
        // Last, so that it can be read later: with the prefilter in use, searches never need it.
        WriteArray(w, Table);
    }

    /// <summary>
    /// Reads an automaton written by <see cref="Write"/> from the stream <paramref name="open"/> opens,
    /// when it was built from exactly <paramref name="keywords"/> (folded, in id order); otherwise, or
    /// when the data is of another format version, null. The DFA table is read from a second stream
    /// on first use, if ever: on a CPU with AVX2 the prefilter does the searches.
    /// </summary>
    /// <exception cref="InvalidDataException">The form is damaged: a table the searches would index
    /// out of its bounds (thrown by the first search for the DFA table).</exception>
    internal static KeywordAutomaton? Read(Func<Stream> open, IReadOnlyList<byte[]> keywords)
    {
        if (!BitConverter.IsLittleEndian)
        {
            return null;
        }
        using var input = open();
        using var r = new BinaryReader(input, Encoding.UTF8, leaveOpen: true);
        if (r.ReadUInt32() != FormatMagic || r.ReadInt32() != FormatVersion || r.ReadInt32() != keywords.Count)
        {
            return null;
        }
        Span<byte> buffer = stackalloc byte[256];
        foreach (var expected in keywords)
        {
            int length = r.ReadInt32();
            if (length != expected.Length || length > buffer.Length)
            {
                return null;
            }
            input.ReadExactly(buffer[..length]);
            if (!buffer[..length].SequenceEqual(expected))
            {
                return null;
            }
        }
        int classCount = r.ReadInt32();
        int firstMatchState = r.ReadInt32();
        int stateCount = r.ReadInt32();
        var classOf = r.ReadBytes(256);
        var outputStart = ReadArray<int>(r);
        var outputs = ReadArray<int>(r);
        CheckDfa(classCount, firstMatchState, stateCount, classOf, outputStart, outputs, keywords.Count);
        var prefilter = r.ReadBoolean() ? KeywordPrefilter.Read(r, keywords) : null;
        long tableAt = input.Position;
        int[] LoadTable()
        {
            using var again = open();
            again.Position = tableAt;
            using var reader = new BinaryReader(again, Encoding.UTF8, leaveOpen: true);
            var table = ReadArray<int>(reader);
            CheckTable(table, classCount, stateCount);
            return table;
        }
        var skip = KeywordAutomatonBuilder.StartSkip(keywords);
        var automaton = new KeywordAutomaton(null, LoadTable, stateCount, classOf, classCount, firstMatchState, outputStart, outputs,
            [.. keywords.Select(k => k.Length)], skip, skip is null ? null : KeywordAutomatonBuilder.StartPairs(keywords), prefilter,
            [.. keywords.Select(k => Encoding.ASCII.GetString(k))])
        {
            Prebuilt = true,
        };
        automaton.AssertInvariants();
        return automaton;
    }

    /// <summary>
    /// The searches index the DFA's tables without bounds checks: a damaged form must fail here, as
    /// <see cref="InvalidDataException"/>, and never be read past an array's end.
    /// </summary>
    private static void CheckDfa(int classCount, int firstMatchState, int stateCount, byte[] classOf, int[] outputStart, int[] outputs, int keywordCount)
    {
        long cells = (long)stateCount * classCount;
        bool valid = classCount is > 0 and <= 256 && stateCount > 0 && cells <= 1 << 26
            && firstMatchState >= 0 && firstMatchState <= cells && firstMatchState % classCount == 0
            && classOf.Length == 256 && !classOf.AsSpan().ContainsAnyExceptInRange((byte)0, (byte)(classCount - 1))
            && outputStart.Length == ((cells - firstMatchState) / classCount) + 1
            && outputStart[0] >= 0 && outputStart[^1] <= outputs.Length
            && (keywordCount > 0 ? !outputs.AsSpan().ContainsAnyExceptInRange(0, keywordCount - 1) : outputs.Length == 0);
        for (int i = 1; valid && i < outputStart.Length; i++)
        {
            valid = outputStart[i] >= outputStart[i - 1];
        }
        if (!valid)
        {
            throw new InvalidDataException("corrupt prebuilt keyword automaton");
        }
    }

    /// <summary>Every transition of <paramref name="table"/> is the offset of a state's row (see <see cref="CheckDfa"/>).</summary>
    private static void CheckTable(int[] table, int classCount, int stateCount)
    {
        bool valid = table.Length == stateCount * classCount;
        foreach (int next in table)
        {
            valid &= (uint)next < (uint)table.Length && next % classCount == 0;
        }
        if (!valid)
        {
            throw new InvalidDataException("corrupt prebuilt keyword automaton");
        }
    }

    internal static void WriteArray<T>(BinaryWriter w, T[] values)
        where T : unmanaged
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    internal static T[] ReadArray<T>(BinaryReader r)
        where T : unmanaged
    {
        int count = r.ReadInt32();
        if (count < 0 || count > 1 << 26)
        {
            throw new InvalidDataException("corrupt prebuilt keyword automaton");
        }
        var values = GC.AllocateUninitializedArray<T>(count);
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}

/// <summary>The prefilter's part of the automaton's binary form.</summary>
internal sealed partial class KeywordPrefilter
{
    internal void Write(BinaryWriter w)
    {
        KeywordAutomaton.WriteArray(w, _masks);
        KeywordAutomaton.WriteArray(w, _bitmap);
        KeywordAutomaton.WriteArray(w, _slotCode);
        KeywordAutomaton.WriteArray(w, _slotStart);
        KeywordAutomaton.WriteArray(w, _slotEnd);
        KeywordAutomaton.WriteArray(w, _entries.Select(e => e.Id).ToArray());
        KeywordAutomaton.WriteArray(w, _entries.Select(e => e.Offset).ToArray());
        KeywordAutomaton.WriteArray(w, FingerprintOffsets);
        KeywordAutomaton.WriteArray(w, Buckets);
    }

    internal bool SameTables(KeywordPrefilter other) =>
        _masks.AsSpan().SequenceEqual(other._masks) && _bitmap.AsSpan().SequenceEqual(other._bitmap)
        && _slotCode.AsSpan().SequenceEqual(other._slotCode) && _slotStart.AsSpan().SequenceEqual(other._slotStart)
        && _slotEnd.AsSpan().SequenceEqual(other._slotEnd) && _entries.Length == other._entries.Length
        && _entries.Zip(other._entries).All(p => p.First.Id == p.Second.Id && p.First.Offset == p.Second.Offset
            && p.First.Prefix == p.Second.Prefix && p.First.PrefixMask == p.Second.PrefixMask
            && p.First.Keyword.AsSpan().SequenceEqual(p.Second.Keyword))
        && FingerprintOffsets.AsSpan().SequenceEqual(other.FingerprintOffsets) && Buckets.AsSpan().SequenceEqual(other.Buckets);

    internal static KeywordPrefilter Read(BinaryReader r, IReadOnlyList<byte[]> keywords)
    {
        var masks = KeywordAutomaton.ReadArray<Vector256<byte>>(r);
        var bitmap = KeywordAutomaton.ReadArray<uint>(r);
        var slotCode = KeywordAutomaton.ReadArray<uint>(r);
        var slotStart = KeywordAutomaton.ReadArray<int>(r);
        var slotEnd = KeywordAutomaton.ReadArray<int>(r);
        var ids = KeywordAutomaton.ReadArray<int>(r);
        var offsets = KeywordAutomaton.ReadArray<int>(r);
        // Stages 1 and 2 read the masks and the bitmap without bounds checks, the slot search probes
        // until it meets an empty slot: a damaged form must fail here, never read past an array's end
        // or search forever.
        int slots = slotCode.Length;
        bool valid = masks.Length == Sets * Width * 2 && bitmap.Length == (1 << HashBits) / 32
            && slots > 0 && BitOperations.IsPow2(slots) && slotCode.AsSpan().Contains(0u)
            && slotStart.Length == slots && slotEnd.Length == slots && offsets.Length == ids.Length;
        for (int s = 0; valid && s < slots; s++)
        {
            valid = 0 <= slotStart[s] && slotStart[s] <= slotEnd[s] && slotEnd[s] <= ids.Length;
        }
        // Read at every start-up (the commit hook's too): ~70 k instructions for the pack's 555 entries.
        var entries = new Entry[ids.Length];
        for (int e = 0; valid && e < entries.Length; e++)
        {
            valid = (uint)ids[e] < (uint)keywords.Count && offsets[e] >= 0 && offsets[e] <= keywords[ids[e]].Length - Width;
            if (valid)
            {
                entries[e] = Entry.For(ids[e], offsets[e], keywords[ids[e]]);
            }
        }
        if (!valid)
        {
            throw new InvalidDataException("corrupt prebuilt keyword automaton");
        }
        return new(masks, bitmap, slotCode, slotStart, slotEnd, entries)
        {
            FingerprintOffsets = KeywordAutomaton.ReadArray<int>(r),
            Buckets = KeywordAutomaton.ReadArray<int>(r),
        };
    }
}
