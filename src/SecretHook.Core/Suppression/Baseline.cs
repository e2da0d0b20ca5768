using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SecretHook.Core.Detection;

namespace SecretHook.Core.Suppression;

/// <summary>One recorded finding: its fingerprint, rule, file and a hash of the secret — never the secret.</summary>
public sealed record BaselineEntry(string Fingerprint, string RuleId, string File, string SecretHash);

/// <summary>
/// A baseline: the findings that existed when it was recorded, so that <c>--baseline FILE</c> reports
/// only new ones. The file is JSON (<c>{"version":1,"findings":[{fingerprint, ruleId, file,
/// secretHash}]}</c>), sorted by fingerprint, one entry per fingerprint, with no line numbers, counts
/// or timestamps: recording it again with no change gives the same bytes, and moving a secret to
/// another line does not make it new. A finding is known when its fingerprint is in the baseline.
/// </summary>
public sealed class Baseline
{
    /// <summary>The file format version.</summary>
    public const int Version = 1;

    /// <summary>The conventional file name (scans never report findings in it).</summary>
    public const string DefaultFileName = ".secrethook-baseline.json";

    private readonly HashSet<string> _fingerprints;

    private Baseline(IReadOnlyList<BaselineEntry> entries)
    {
        Entries = entries;
        _fingerprints = new HashSet<string>(entries.Select(e => e.Fingerprint), StringComparer.Ordinal);
    }

    /// <summary>The entries, sorted by fingerprint.</summary>
    public IReadOnlyList<BaselineEntry> Entries { get; }

    /// <summary>Whether <paramref name="finding"/> was recorded.</summary>
    public bool Contains(Finding finding) => _fingerprints.Contains(finding.Fingerprint);

    /// <summary>The baseline that records <paramref name="findings"/>.</summary>
    public static Baseline From(IEnumerable<Finding> findings)
    {
        var byFingerprint = new SortedDictionary<string, BaselineEntry>(StringComparer.Ordinal);
        foreach (var f in findings)
        {
            byFingerprint.TryAdd(f.Fingerprint, new BaselineEntry(f.Fingerprint, f.RuleId, f.File, SecretHash(f.RuleId, f.Secret)));
        }
        return new Baseline([.. byFingerprint.Values]);
    }

    /// <summary>
    /// The first 16 hex digits of SHA-256 over the rule id and the secret: equal for the same secret
    /// wherever it is, so a reviewer can see two entries are one credential, and not reversible for a
    /// random token (like the fingerprint, it can confirm a guess of a weak password).
    /// </summary>
    public static string SecretHash(string ruleId, string secret)
    {
        var input = Encoding.UTF8.GetBytes($"secrethook-baseline\0{ruleId}\0{secret}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    /// <summary>Writes the baseline as indented JSON with LF line ends and a final newline.</summary>
    public void Write(Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteNumber("version", Version);
        w.WriteStartArray("findings");
        foreach (var e in Entries)
        {
            w.WriteStartObject();
            w.WriteString("fingerprint", e.Fingerprint);
            w.WriteString("ruleId", e.RuleId);
            w.WriteString("file", e.File);
            w.WriteString("secretHash", e.SecretHash);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        output.WriteByte((byte)'\n');
    }

    /// <summary>The bytes <see cref="Write"/> produces.</summary>
    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        Write(buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// Parses a baseline file. Returns the baseline, or null and a message saying what is wrong (with
    /// the line and column for malformed JSON).
    /// </summary>
    public static Baseline? Parse(string text, out string? error)
    {
        error = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            error = $"{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: invalid JSON";
            return null;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number
                || !root.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array)
            {
                error = "not a secrethook baseline (expected {\"version\": 1, \"findings\": [...]}; create one with 'secrethook baseline create')";
                return null;
            }
            if (!version.TryGetInt32(out int v) || v != Version)
            {
                error = $"unsupported baseline version {version.GetRawText()} (this secrethook reads version {Version})";
                return null;
            }
            var entries = new List<BaselineEntry>();
            int i = 0;
            foreach (var item in findings.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("fingerprint", out var fp) || fp.ValueKind != JsonValueKind.String)
                {
                    error = $"findings[{i}]: expected an object with a string 'fingerprint'";
                    return null;
                }
                entries.Add(new BaselineEntry(fp.GetString()!, Str(item, "ruleId"), Str(item, "file"), Str(item, "secretHash")));
                i++;
            }
            entries.Sort((a, b) => string.CompareOrdinal(a.Fingerprint, b.Fingerprint));
            return new Baseline(entries);
        }
    }

    private static string Str(JsonElement item, string name) =>
        item.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
}
