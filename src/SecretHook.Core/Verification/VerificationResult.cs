using System.Text;
using System.Text.Json;

namespace SecretHook.Core.Verification;

/// <summary>What the provider said about a secret.</summary>
public enum VerificationStatus
{
    /// <summary>The provider accepted the secret: it is live.</summary>
    Valid = 1,

    /// <summary>The provider rejected it (401/403, or Slack's <c>invalid_auth</c>): revoked, expired or never real.</summary>
    Invalid = 2,

    /// <summary>No verdict: timeout, no network, an unexpected status or answer, a check not permitted.</summary>
    Error = 3,
}

/// <summary>
/// What a check learnt beyond the verdict. Every member is optional; none ever holds the secret (the
/// verifiers never copy a response field that could: only names, types, roles and scopes).
/// </summary>
public sealed record VerificationDetail
{
    /// <summary>No detail.</summary>
    public static VerificationDetail None { get; } = new();

    /// <summary>Who the secret belongs to (a user name, account or team), if the provider says.</summary>
    public string? Owner { get; init; }

    /// <summary>The owner's kind, if the provider says (Hugging Face: <c>user</c>, <c>org</c>, <c>app</c>).</summary>
    public string? OwnerType { get; init; }

    /// <summary>The token's display name, if the provider says.</summary>
    public string? TokenName { get; init; }

    /// <summary>The token's role (Hugging Face: <c>read</c>, <c>write</c>, <c>fineGrained</c>).</summary>
    public string? Role { get; init; }

    /// <summary>A sentence saying what the role lets a holder do, for people.</summary>
    public string? RoleDescription { get; init; }

    /// <summary>The token's scopes or permissions, as the provider names them, sorted and distinct.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Organisations the owner belongs to (Hugging Face), in the provider's order.</summary>
    public IReadOnlyList<string> Organizations { get; init; } = [];

    /// <summary>The HTTP status the provider answered, when there was an answer.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>Why the verdict is <see cref="VerificationStatus.Error"/> or <see cref="VerificationStatus.Invalid"/>, for people.</summary>
    public string? Reason { get; init; }
}

/// <summary>The verdict on one secret and what came with it.</summary>
/// <param name="Status">Valid, invalid or error.</param>
/// <param name="Detail">Owner, role, scopes, reason.</param>
public sealed record VerificationResult(VerificationStatus Status, VerificationDetail Detail)
{
    /// <summary>A valid verdict.</summary>
    public static VerificationResult Valid(VerificationDetail detail) => new(VerificationStatus.Valid, detail);

    /// <summary>An invalid verdict with the provider's status and a reason.</summary>
    public static VerificationResult Invalid(int? httpStatus, string reason) =>
        new(VerificationStatus.Invalid, new VerificationDetail { HttpStatus = httpStatus, Reason = reason });

    /// <summary>No verdict, with a reason (and the status, when the provider answered).</summary>
    public static VerificationResult Error(string reason, int? httpStatus = null) =>
        new(VerificationStatus.Error, new VerificationDetail { HttpStatus = httpStatus, Reason = reason });

    /// <summary>The status as JSON and SARIF write it: <c>valid</c>, <c>invalid</c> or <c>error</c>.</summary>
    public string StatusName => Name(Status);

    /// <summary>The name of <paramref name="status"/>: <c>valid</c>, <c>invalid</c> or <c>error</c>.</summary>
    public static string Name(VerificationStatus status) => status switch
    {
        VerificationStatus.Valid => "valid",
        VerificationStatus.Invalid => "invalid",
        _ => "error",
    };

    /// <summary>
    /// Writes <c>"verification": "valid|invalid|error"</c> and <c>"verificationDetail": {…}</c> as two
    /// properties of the JSON object <paramref name="w"/> is in (a finding in the JSON report, a result's
    /// <c>properties</c> bag in SARIF). Detail members that are unknown are left out; the object has
    /// <c>owner</c>, <c>ownerType</c>, <c>tokenName</c>, <c>role</c>, <c>roleDescription</c>,
    /// <c>scopes</c>, <c>organizations</c>, <c>httpStatus</c> and <c>reason</c>.
    /// </summary>
    public void WriteJsonProperties(Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteString("verification", StatusName);
        w.WriteStartObject("verificationDetail");
        var d = Detail;
        WriteIf(w, "owner", d.Owner);
        WriteIf(w, "ownerType", d.OwnerType);
        WriteIf(w, "tokenName", d.TokenName);
        WriteIf(w, "role", d.Role);
        WriteIf(w, "roleDescription", d.RoleDescription);
        if (d.Scopes.Count > 0)
        {
            w.WriteStartArray("scopes");
            foreach (var s in d.Scopes)
            {
                w.WriteStringValue(s);
            }
            w.WriteEndArray();
        }
        if (d.Organizations.Count > 0)
        {
            w.WriteStartArray("organizations");
            foreach (var o in d.Organizations)
            {
                w.WriteStringValue(o);
            }
            w.WriteEndArray();
        }
        if (d.HttpStatus is { } code)
        {
            w.WriteNumber("httpStatus", code);
        }
        WriteIf(w, "reason", d.Reason);
        w.WriteEndObject();
    }

    /// <summary>
    /// One line for the text report, e.g. <c>LIVE — owner alice (user), token "laptop", role write:
    /// can push to every repository of alice and her organisations</c>, <c>not live (HTTP 401)</c>,
    /// <c>unverified: timed out after 5 s</c>.
    /// </summary>
    public string Summary()
    {
        var d = Detail;
        var sb = new StringBuilder();
        switch (Status)
        {
            case VerificationStatus.Valid:
                sb.Append("LIVE");
                var parts = new List<string>();
                if (d.Owner is not null)
                {
                    parts.Add(d.OwnerType is null ? $"owner {d.Owner}" : $"owner {d.Owner} ({d.OwnerType})");
                }
                if (d.TokenName is not null)
                {
                    parts.Add($"token \"{d.TokenName}\"");
                }
                if (d.RoleDescription is not null)
                {
                    parts.Add($"role {d.RoleDescription}");
                }
                else if (d.Role is not null)
                {
                    parts.Add($"role {d.Role}");
                }
                if (d.Scopes.Count > 0)
                {
                    parts.Add("scopes " + string.Join(", ", d.Scopes));
                }
                if (d.Organizations.Count > 0)
                {
                    parts.Add("organisations " + string.Join(", ", d.Organizations));
                }
                if (parts.Count > 0)
                {
                    sb.Append(" \u2014 ").AppendJoin(", ", parts);
                }
                break;
            case VerificationStatus.Invalid:
                sb.Append("not live");
                if (d.Reason is not null)
                {
                    sb.Append(" (").Append(d.Reason).Append(')');
                }
                break;
            default:
                sb.Append("unverified: ").Append(d.Reason ?? "no verdict");
                break;
        }
        return sb.ToString();
    }

    private static void WriteIf(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
