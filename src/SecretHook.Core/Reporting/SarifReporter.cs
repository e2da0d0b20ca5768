using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Reporting;

/// <summary>
/// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers: one run whose
/// <c>tool.driver.rules</c> holds the rules that fired (sorted by id, with their remediation as help),
/// one <c>error</c>-level result per finding (in report order) with a physical location, a redacted
/// snippet and a <c>partialFingerprints["secrethook/v1"]</c> that is the hash part of the finding's
/// fingerprint — stable across line moves, so code scanning keeps tracking an alert when code shifts.
/// </summary>
/// <remarks>
/// Only rules that fired are listed, not the whole pack: the pack has 150+ rules whose help text
/// would dominate every upload (a clean run is ~400 bytes instead of ~100 KB), consumers need rule
/// metadata only for the rules results refer to, and the output still depends only on the findings,
/// so it is byte-identical for the same input.
/// </remarks>
public sealed class SarifReporter(string toolVersion, string? informationUri = null) : IReporter
{
    /// <summary>The <c>$schema</c> URI written at the top of the log.</summary>
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The key of the partial fingerprint (versioned so the algorithm can change without clashing).</summary>
    public const string FingerprintKey = "secrethook/v1";

    /// <inheritdoc />
    public void Write(ScanReport report, Stream output, ReportOptions options)
    {
        var fired = report.Findings.Select(f => f.RuleId).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < fired.Count; i++)
        {
            index[fired[i]] = i;
        }
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions
        {
            Indented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        w.WriteStartObject();
        w.WriteString("$schema", SchemaUri);
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();
        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "secrethook");
        if (informationUri is not null)
        {
            // Optional in SARIF; written only when the caller has a real project page to point at.
            w.WriteString("informationUri", informationUri);
        }
        w.WriteString("semanticVersion", toolVersion);
        w.WriteString("version", toolVersion);
        w.WriteStartArray("rules");
        foreach (var id in fired)
        {
            WriteRule(w, id, report.Rules.Find(id), report.Findings.First(f => f.RuleId == id));
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("columnKind", "utf16CodeUnits");
        w.WriteStartArray("results");
        foreach (var f in report.Findings)
        {
            WriteResult(w, f, index[f.RuleId], options);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        output.WriteByte((byte)'\n');
    }

    private static void WriteRule(Utf8JsonWriter w, string id, Rule? rule, Finding example)
    {
        string description = rule?.Description ?? example.Description;
        string remediation = rule?.Remediation.ReplaceLineEndings(" ") ?? "Remove the secret and rotate it.";
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("name", PascalCase(id));
        w.WriteStartObject("shortDescription");
        w.WriteString("text", description);
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", rule is null ? description : $"{description} ({rule.Provider}).");
        w.WriteEndObject();
        w.WriteStartObject("help");
        w.WriteString("text", remediation);
        w.WriteString("markdown", $"**{description}**\n\n{remediation}\n\nOnce a secret has been pushed, assume it is compromised: rotate it, then remove it from the code.");
        w.WriteEndObject();
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", "error");
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteStartArray("tags");
        w.WriteStringValue("security");
        w.WriteStringValue("secret");
        w.WriteEndArray();
        w.WriteString("precision", rule?.Fallback == true ? "medium" : "high");
        w.WriteString("security-severity", "9.0");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, Finding f, int ruleIndex, ReportOptions options)
    {
        string shown = options.Redact ? Redaction.Redact(f.Secret) : f.Secret;
        string where = f.Commit is { } c ? $" in commit {c.ShortSha}" : "";
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", "error");
        w.WriteStartObject("message");
        w.WriteString("text", $"{f.Description}: {FirstLine(shown)}{where}");
        w.WriteEndObject();
        w.WriteStartArray("locations");
        w.WriteStartObject();
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", ToUriReference(f.File));
        w.WriteEndObject();
        w.WriteStartObject("region");
        w.WriteNumber("startLine", f.Line);
        w.WriteNumber("startColumn", f.Column);
        w.WriteNumber("endLine", f.EndLine);
        w.WriteNumber("endColumn", f.EndColumn);
        w.WriteStartObject("snippet");
        w.WriteString("text", shown);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("partialFingerprints");
        w.WriteString(FingerprintKey, HashPart(f.Fingerprint));
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("fingerprint", f.Fingerprint);
        f.Verification?.WriteJsonProperties(w);
        if (f.Commit is { } commit)
        {
            w.WriteString("commit", commit.Sha);
            w.WriteString("commitSubject", commit.Subject);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The last <c>:</c>-separated part of a fingerprint (its hash).</summary>
    private static string HashPart(string fingerprint) => fingerprint[(fingerprint.LastIndexOf(':') + 1)..];

    private static string FirstLine(string s) => s.IndexOfAny(['\r', '\n']) is var i and >= 0 ? s[..i] + Redaction.Ellipsis : s;

    /// <summary><c>huggingface-user-token</c> → <c>HuggingfaceUserToken</c>.</summary>
    internal static string PascalCase(string id)
    {
        var sb = new StringBuilder(id.Length);
        bool upper = true;
        foreach (char ch in id)
        {
            if (ch is '-' or '.')
            {
                upper = true;
                continue;
            }
            sb.Append(upper ? char.ToUpperInvariant(ch) : ch);
            upper = false;
        }
        return sb.ToString();
    }

    /// <summary>
    /// A relative path as a URI reference: every byte of its UTF-8
    /// form outside the unreserved set (<c>A-Z a-z 0-9 - . _ ~</c>) and <c>/</c> is percent-encoded, so
    /// a space, <c>%</c>, <c>#</c>, <c>?</c> or a leading <c>name:</c> (which would read as a scheme)
    /// cannot change the reference's meaning.
    /// </summary>
    public static string ToUriReference(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path);
        var sb = new StringBuilder(bytes.Length + 8);
        foreach (byte b in bytes)
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' or (byte)'/')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}
