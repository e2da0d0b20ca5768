using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using SecretHook.Core.Detection;
using SecretHook.Core.Verification;

namespace SecretHook.Core.Rules;

/// <summary>
/// A compact binary form of a <see cref="RuleSet"/> without its examples, written at build time and read
/// at start-up: parsing the YAML pack costs ~10 ms under native AOT (most of a commit hook's budget),
/// reading this form well under 1 ms. The YAML files stay the source of truth; the build regenerates
/// this form from them, and a test checks the two load to the same rules.
/// </summary>
public static class RulePackSerializer
{
    private const uint Magic = 0x4B504853; // "SHPK"
    private const int FormatVersion = 5; // 4: rules carry their verify: block; 5: and their window

    /// <summary>Writes <paramref name="rules"/> to <paramref name="output"/>.</summary>
    public static void Write(RuleSet rules, Stream output)
    {
        using var w = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        WriteAllowlist(w, rules.GlobalAllowlist);
        w.Write(rules.Rules.Count);
        foreach (var r in rules.Rules)
        {
            w.Write(r.Id);
            w.Write(r.Provider);
            w.Write(r.Description);
            WriteList(w, r.Keywords);
            w.Write(r.Pattern);
            w.Write(r.Entropy.HasValue);
            w.Write(r.Entropy ?? 0);
            w.Write(r.Multiline);
            w.Write(r.WindowBefore ?? -1);
            w.Write(r.WindowAfter ?? -1);
            w.Write(r.Fallback);
            w.Write(r.Priority);
            w.Write((int)r.Structure);
            WriteAllowlist(w, r.Allowlist);
            w.Write(r.Remediation);
            w.Write(r.Location.File);
            w.Write(r.Location.Line);
            w.Write(r.Location.Column);
            WriteVerify(w, r.Verify);
        }
    }

    /// <summary>Reads a rule set written by <see cref="Write"/>; its rules are the built-in pack, so they are vetted.</summary>
    /// <exception cref="InvalidDataException">The data is not a rule pack of this version.</exception>
    public static RuleSet Read(Stream input)
    {
        // The whole pack (~160 KB) in one read, then parsed from a span: BinaryReader's stream reads
        // for each string and number were a fifth of the load (callgrind, a commit hook's start).
        byte[] data;
        if (input.CanSeek)
        {
            data = GC.AllocateUninitializedArray<byte>(checked((int)(input.Length - input.Position)));
            input.ReadExactly(data);
        }
        else
        {
            using var copy = new MemoryStream();
            input.CopyTo(copy);
            data = copy.ToArray();
        }
        var r = new PackReader(data);
        if (r.ReadUInt32() != Magic || r.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException("not a secrethook rule pack of format version " + FormatVersion);
        }
        var global = ReadAllowlist(ref r);
        int count = r.ReadInt32();
        var rules = new List<Rule>(count);
        for (int i = 0; i < count; i++)
        {
            string id = r.ReadString();
            string provider = r.ReadString();
            string description = r.ReadString();
            var keywords = ReadList(ref r);
            string pattern = r.ReadString();
            bool hasEntropy = r.ReadBoolean();
            double entropy = r.ReadDouble();
            bool multiline = r.ReadBoolean();
            int windowBefore = r.ReadInt32(), windowAfter = r.ReadInt32();
            bool fallback = r.ReadBoolean();
            int priority = r.ReadInt32();
            var structure = (StructureCheck)r.ReadInt32();
            var allowlist = ReadAllowlist(ref r);
            string remediation = r.ReadString();
            var location = new SourceLocation(r.ReadString(), r.ReadInt32(), r.ReadInt32());
            var verify = ReadVerify(ref r);
            rules.Add(new Rule(id, provider, description, keywords, pattern, hasEntropy ? entropy : null,
                multiline, fallback, allowlist, remediation, RuleExamples.None, location)
            {
                Priority = priority,
                Structure = structure,
                Vetted = true,
                Verify = verify,
                WindowBefore = windowBefore < 0 ? null : windowBefore,
                WindowAfter = windowAfter < 0 ? null : windowAfter,
            });
        }
        if (!r.AtEnd)
        {
            throw new InvalidDataException("a secrethook rule pack with data after its last rule");
        }
        return new RuleSet(rules, global);
    }

    /// <summary>
    /// Reads what <see cref="BinaryWriter"/> wrote, from a span: little-endian numbers, one byte per
    /// bool, strings as a 7-bit-encoded byte length and UTF-8. Past the end is <see cref="InvalidDataException"/>.
    /// </summary>
    private ref struct PackReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public readonly bool AtEnd => _at == _data.Length;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ReadOnlySpan<byte> Take(int n)
        {
            if ((uint)n > (uint)(_data.Length - _at))
            {
                CutShort();
            }
            var bytes = _data.Slice(_at, n);
            _at += n;
            return bytes;
        }

        [DoesNotReturn]
        private static void CutShort() => throw new InvalidDataException("a secrethook rule pack cut short");

        public bool ReadBoolean() => Take(1)[0] != 0;

        public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        public string ReadString()
        {
            int length = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = Take(1)[0];
                // A fifth byte holds the top 4 bits of 32 and ends the length; a negative length or
                // more bytes are nothing BinaryWriter writes.
                if (shift == 28 && b > 0x07)
                {
                    throw new InvalidDataException("a secrethook rule pack with a bad string length");
                }
                length |= (b & 0x7F) << shift;
                if (b < 0x80)
                {
                    break;
                }
            }
            return length == 0 ? "" : Encoding.UTF8.GetString(Take(length));
        }
    }

    private static void WriteVerify(BinaryWriter w, VerifySpec? v)
    {
        w.Write(v is not null);
        if (v is null)
        {
            return;
        }
        w.Write((int)v.Kind);
        w.Write(v.Host);
        w.Write(v.Path);
        WriteOptional(w, v.Header);
        w.Write(v.Headers.Count);
        foreach (var (name, value) in v.Headers)
        {
            w.Write(name);
            w.Write(value);
        }
        WriteOptional(w, v.Owner);
        WriteOptional(w, v.Name);
        WriteOptional(w, v.Scopes);
        WriteOptional(w, v.ScopesHeader);
        w.Write((int)v.Forbidden);
        w.Write(v.Location.File);
        w.Write(v.Location.Line);
        w.Write(v.Location.Column);
    }

    private static VerifySpec? ReadVerify(ref PackReader r)
    {
        if (!r.ReadBoolean())
        {
            return null;
        }
        var kind = (VerifierKind)r.ReadInt32();
        string host = r.ReadString();
        string path = r.ReadString();
        string? header = ReadOptional(ref r);
        var headers = new KeyValuePair<string, string>[r.ReadInt32()];
        for (int i = 0; i < headers.Length; i++)
        {
            headers[i] = new(r.ReadString(), r.ReadString());
        }
        return new VerifySpec(kind, host, path)
        {
            Header = header,
            Headers = headers,
            Owner = ReadOptional(ref r),
            Name = ReadOptional(ref r),
            Scopes = ReadOptional(ref r),
            ScopesHeader = ReadOptional(ref r),
            Forbidden = (ForbiddenMeaning)r.ReadInt32(),
            Location = new SourceLocation(r.ReadString(), r.ReadInt32(), r.ReadInt32()),
        };
    }

    private static void WriteOptional(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null)
        {
            w.Write(s);
        }
    }

    private static string? ReadOptional(ref PackReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteAllowlist(BinaryWriter w, Allowlist a)
    {
        WriteList(w, a.RegexSources);
        WriteList(w, a.Stopwords);
    }

    private static Allowlist ReadAllowlist(ref PackReader r)
    {
        var regexes = ReadList(ref r);
        var stopwords = ReadList(ref r);
        return regexes.Length == 0 && stopwords.Length == 0 ? Allowlist.Empty : new Allowlist(regexes, stopwords, vetted: true);
    }

    private static void WriteList(BinaryWriter w, IReadOnlyList<string> items)
    {
        w.Write(items.Count);
        foreach (var s in items)
        {
            w.Write(s);
        }
    }

    private static string[] ReadList(ref PackReader r)
    {
        var items = new string[r.ReadInt32()];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = r.ReadString();
        }
        return items;
    }
}
