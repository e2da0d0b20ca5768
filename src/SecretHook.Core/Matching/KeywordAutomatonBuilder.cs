using System.Buffers;

namespace SecretHook.Core.Matching;

/// <summary>
/// Collects ASCII keywords and compiles them into a <see cref="KeywordAutomaton"/>. Keywords are
/// matched ASCII case-insensitively; the id of a keyword is the order in which it was added.
/// </summary>
public sealed class KeywordAutomatonBuilder
{
    private readonly List<byte[]> _keywords = [];

    /// <summary>Adds a keyword and returns its id.</summary>
    /// <exception cref="ArgumentException">The keyword is empty or not ASCII.</exception>
    public int Add(string keyword)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyword);
        var bytes = new byte[keyword.Length];
        for (int i = 0; i < keyword.Length; i++)
        {
            char c = keyword[i];
            if (c > 0x7F)
            {
                throw new ArgumentException($"keyword '{keyword}' is not ASCII", nameof(keyword));
            }
            bytes[i] = Fold((byte)c);
        }
        _keywords.Add(bytes);
        return _keywords.Count - 1;
    }

    /// <summary>The prebuilt automaton offered (<see cref="OfferPrebuilt"/>): opens its binary form.</summary>
    private static Func<Stream>? s_prebuilt;

    /// <summary>
    /// Offers a prebuilt automaton in the binary form <see cref="KeywordAutomaton.Write"/> writes (the
    /// executable ships the built-in pack's): <see cref="Build"/> reads it instead of computing one when
    /// the keywords added are exactly those it was built from, in the same order. The result is the
    /// same automaton either way; only the build cost (milliseconds of a commit hook's CPU) goes.
    /// Null withdraws the offer.
    /// </summary>
    public static void OfferPrebuilt(Func<Stream>? open) => Volatile.Write(ref s_prebuilt, open);

    /// <summary>Compiles the keywords added so far (or reads the prebuilt automaton for them). The builder can be reused afterwards.</summary>
    public KeywordAutomaton Build()
    {
        if (Volatile.Read(ref s_prebuilt) is { } open && KeywordAutomaton.Read(open, _keywords) is { } prebuilt)
        {
            return prebuilt;
        }
        return Compute();
    }

    /// <summary>Compiles the keywords added so far, never reading a prebuilt automaton.</summary>
    internal KeywordAutomaton Compute()
    {
        // 1. Byte classes: each distinct (folded) keyword byte gets its own class; everything else is 0.
        var classOf = new byte[256];
        int classCount = 1;
        foreach (var kw in _keywords)
        {
            foreach (byte b in kw)
            {
                if (classOf[b] == 0)
                {
                    if (classCount == 256)
                    {
                        throw new InvalidOperationException("too many distinct keyword bytes");
                    }
                    classOf[b] = (byte)classCount++;
                }
            }
        }
        for (int c = 'A'; c <= 'Z'; c++)
        {
            classOf[c] = classOf[c | 0x20];
        }

        // 2. Trie over classes.
        var go = new List<int[]> { NewRow(classCount) };
        var outputs = new List<List<int>> { new() };
        for (int id = 0; id < _keywords.Count; id++)
        {
            int s = 0;
            foreach (byte b in _keywords[id])
            {
                int c = classOf[b];
                if (go[s][c] <= 0)
                {
                    go.Add(NewRow(classCount));
                    outputs.Add([]);
                    go[s][c] = go.Count - 1;
                }
                s = go[s][c];
            }
            outputs[s].Add(id);
        }

        // 3. Breadth-first: failure links, inherited outputs, and the full DFA (missing edges follow
        //    the failure state's edge, which is already final because it is shallower).
        var fail = new int[go.Count];
        var queue = new Queue<int>();
        for (int c = 0; c < classCount; c++)
        {
            int t = go[0][c];
            if (t > 0)
            {
                fail[t] = 0;
                queue.Enqueue(t);
            }
            else
            {
                go[0][c] = 0;
            }
        }
        var order = new List<int> { 0 };
        while (queue.Count > 0)
        {
            int s = queue.Dequeue();
            order.Add(s);
            // Outputs of the failure state end here too (they are suffixes of this state's string).
            // A state's own outputs (the longest) come before the inherited, shorter ones.
            outputs[s].AddRange(outputs[fail[s]]);
            for (int c = 0; c < classCount; c++)
            {
                int t = go[s][c];
                if (t > 0)
                {
                    fail[t] = go[fail[s]][c];
                    queue.Enqueue(t);
                }
                else
                {
                    go[s][c] = go[fail[s]][c];
                }
            }
        }

        // 4. Renumber: the start state is 0, states without outputs next, states with outputs last.
        var newId = new int[go.Count];
        int next = 0;
        foreach (int s in order)
        {
            if (outputs[s].Count == 0 || s == 0)
            {
                newId[s] = next++;
            }
        }
        int firstMatchIndex = next;
        foreach (int s in order)
        {
            if (outputs[s].Count > 0 && s != 0)
            {
                newId[s] = next++;
            }
        }

        var table = new int[go.Count * classCount];
        var outputStart = new int[go.Count - firstMatchIndex + 1];
        var flatOutputs = new List<int>();
        var byNewId = new int[go.Count];
        for (int s = 0; s < go.Count; s++)
        {
            byNewId[newId[s]] = s;
        }
        for (int n = 0; n < go.Count; n++)
        {
            int s = byNewId[n];
            for (int c = 0; c < classCount; c++)
            {
                table[n * classCount + c] = newId[go[s][c]] * classCount;
            }
            if (n >= firstMatchIndex)
            {
                outputStart[n - firstMatchIndex] = flatOutputs.Count;
                flatOutputs.AddRange(outputs[s]);
            }
        }
        outputStart[^1] = flatOutputs.Count;

        // 5. Start-state skip: the bytes (both cases) that begin some keyword.
        var skip = StartSkip(_keywords);

        // 6. Without the skip: the fingerprint prefilter, when every keyword is long enough for one.
        var prefilter = skip is null ? KeywordPrefilter.TryBuild(_keywords) : null;

        var lengths = _keywords.Select(k => k.Length).ToArray();
        var automaton = new KeywordAutomaton(table, classOf, classCount, firstMatchIndex * classCount,
            outputStart, [.. flatOutputs], lengths, skip, skip is null ? null : StartPairs(_keywords), prefilter,
            [.. _keywords.Select(k => System.Text.Encoding.ASCII.GetString(k))]);
        automaton.AssertInvariants();
        return automaton;
    }

    /// <summary>The start-state skip for <paramref name="keywords"/>: the bytes (both cases) that begin one, when few enough.</summary>
    internal static SearchValues<byte>? StartSkip(IReadOnlyList<byte[]> keywords)
    {
        var startBytes = new HashSet<byte>();
        foreach (var kw in keywords)
        {
            startBytes.Add(kw[0]);
            if (kw[0] is >= (byte)'a' and <= (byte)'z')
            {
                startBytes.Add((byte)(kw[0] & ~0x20));
            }
        }
        return startBytes.Count > 0 && KeywordAutomaton.ShouldSkip(startBytes.Count)
            ? SearchValues.Create([.. startBytes])
            : null;
    }

    /// <summary>
    /// The first two bytes of every keyword, each OR-ed with 0x20 (case variants agree; a few other
    /// bytes collide, which only adds a false "maybe"), as a flat array of pairs — when every keyword has
    /// two bytes and there are at most <see cref="KeywordAutomaton.MaxStartPairs"/> distinct pairs.
    /// The start-state skip then looks for a pair instead of a first byte: for <c>hf_</c> alone, the
    /// byte <c>h</c> is 2% of kernel C, the pair <c>hf</c> a few in a million.
    /// </summary>
    internal static byte[]? StartPairs(IReadOnlyList<byte[]> keywords)
    {
        var pairs = new List<byte>();
        foreach (var kw in keywords)
        {
            if (kw.Length < 2)
            {
                return null;
            }
            byte a = (byte)(kw[0] | 0x20), b = (byte)(kw[1] | 0x20);
            bool known = false;
            for (int p = 0; p < pairs.Count && !known; p += 2)
            {
                known = pairs[p] == a && pairs[p + 1] == b;
            }
            if (!known)
            {
                pairs.Add(a);
                pairs.Add(b);
            }
        }
        return pairs.Count is > 0 and <= 2 * KeywordAutomaton.MaxStartPairs ? [.. pairs] : null;
    }

    private static int[] NewRow(int classCount)
    {
        var row = new int[classCount];
        Array.Fill(row, -1);
        return row;
    }

    private static byte Fold(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
}
