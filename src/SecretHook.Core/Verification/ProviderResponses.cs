using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SecretHook.Core.Verification;

/// <summary>
/// Pure interpretation of providers' answers (no I/O): a status code, the body and a header or two
/// in, a <see cref="VerificationResult"/> out. Bodies are parsed with <see cref="JsonDocument"/> (no
/// reflection, AOT-safe). Strings taken from an answer are cut to <see cref="MaxFieldLength"/>
/// characters and stripped of control characters, so an answer cannot forge report lines.
/// </summary>
public static class ProviderResponses
{
    /// <summary>The longest string copied from an answer into a detail.</summary>
    public const int MaxFieldLength = 200;

    /// <summary>The most scopes or organisations copied from an answer.</summary>
    public const int MaxListLength = 100;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 32 };

    /// <summary>
    /// Hugging Face's <c>/api/whoami-v2</c>: 200 with <c>{type, name, orgs:[{name}], auth:{type,
    /// accessToken:{displayName, role, fineGrained:{global:[…], scoped:[{entity:{type,name},
    /// permissions:[…]}]}}}}</c> is valid; 401/403 invalid; anything else, or a 200 whose body is not
    /// such an object, an error.
    /// </summary>
    public static VerificationResult HuggingFaceWhoAmI(int status, ReadOnlySpan<byte> body)
    {
        if (status is 401 or 403)
        {
            return VerificationResult.Invalid(status, $"Hugging Face rejected the token (HTTP {status})");
        }
        if (status != 200)
        {
            return UnexpectedStatus(status);
        }
        if (!TryParse(body, out var doc))
        {
            return VerificationResult.Error("malformed answer: not JSON", status);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "name") is not { } owner)
            {
                return VerificationResult.Error("malformed answer: no 'name'", status);
            }
            string? type = Text(root, "type");
            var orgs = new List<string>();
            if (root.TryGetProperty("orgs", out var orgList) && orgList.ValueKind == JsonValueKind.Array)
            {
                foreach (var org in orgList.EnumerateArray())
                {
                    if (orgs.Count < MaxListLength && Text(org, "name") is { } name)
                    {
                        orgs.Add(name);
                    }
                }
            }
            string? tokenName = null;
            string? role = null;
            var scopes = new SortedSet<string>(StringComparer.Ordinal);
            if (Path(root, "auth.accessToken") is { ValueKind: JsonValueKind.Object } token)
            {
                tokenName = Text(token, "displayName");
                role = Text(token, "role");
                if (token.TryGetProperty("fineGrained", out var fine) && fine.ValueKind == JsonValueKind.Object)
                {
                    ReadFineGrained(fine, scopes);
                }
            }
            return VerificationResult.Valid(new VerificationDetail
            {
                Owner = owner,
                OwnerType = type,
                TokenName = tokenName,
                Role = role,
                RoleDescription = DescribeHuggingFaceRole(role, owner, type, scopes),
                Scopes = [.. scopes],
                Organizations = orgs,
                HttpStatus = status,
            });
        }
    }

    /// <summary>
    /// A sentence saying what a Hugging Face token's role lets its holder do, e.g. <c>write: can push to
    /// every repository of alice and their organisations</c>.
    /// </summary>
    public static string? DescribeHuggingFaceRole(string? role, string owner, string? ownerType, IReadOnlyCollection<string> scopes)
    {
        bool org = ownerType == "org";
        string whose = org ? $"the organisation {owner}" : $"{owner} and their organisations";
        return role switch
        {
            null => null,
            "write" => $"write: can push to every repository of {whose}, and read their private ones",
            "read" => $"read: can read every repository of {whose}, private ones included",
            "fineGrained" when scopes.Count == 0 => "fineGrained: no permissions granted",
            "fineGrained" => scopes.Any(s => s.Contains("write", StringComparison.OrdinalIgnoreCase) || s.Contains("manage", StringComparison.OrdinalIgnoreCase))
                ? $"fineGrained: limited to {scopes.Count} listed permission(s), some of them write access"
                : $"fineGrained: limited to {scopes.Count} listed permission(s), all read-only",
            _ => role,
        };
    }

    /// <summary>
    /// A <c>bearer-get</c>/<c>header-get</c> answer: 200 with a JSON body is valid (owner, token name
    /// and scopes read where <paramref name="spec"/> says; <paramref name="scopesHeader"/> is the value
    /// of its <see cref="VerifySpec.ScopesHeader"/>); 401 invalid; 403 as the spec says; anything else
    /// an error. A 200 whose body is not JSON is an error (a captive portal or proxy page says nothing).
    /// </summary>
    public static VerificationResult HttpJson(VerifySpec spec, int status, ReadOnlySpan<byte> body, string? scopesHeader)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (status == 401 || (status == 403 && spec.Forbidden == ForbiddenMeaning.Invalid))
        {
            return VerificationResult.Invalid(status, $"{spec.Host} rejected the token (HTTP {status})");
        }
        if (status == 403)
        {
            return VerificationResult.Valid(new VerificationDetail
            {
                HttpStatus = status,
                Reason = $"live, but not permitted to read {spec.Path} (HTTP 403)",
            });
        }
        if (status != 200)
        {
            return UnexpectedStatus(status);
        }
        if (!TryParse(body, out var doc))
        {
            return VerificationResult.Error("malformed answer: not JSON", status);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                return VerificationResult.Error("malformed answer: not a JSON object", status);
            }
            string? owner = spec.Owner is null ? null : Text(Path(root, spec.Owner));
            if (spec.Owner is not null && owner is null)
            {
                return VerificationResult.Error($"malformed answer: no '{spec.Owner}'", status);
            }
            var scopes = new SortedSet<string>(StringComparer.Ordinal);
            if (spec.Scopes is not null && Path(root, spec.Scopes) is { ValueKind: JsonValueKind.Array } list)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (scopes.Count < MaxListLength && Text(item) is { } s)
                    {
                        scopes.Add(s);
                    }
                }
            }
            if (spec.ScopesHeader is not null && scopesHeader is not null)
            {
                foreach (var s in scopesHeader.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (scopes.Count < MaxListLength && Clean(s) is { } c)
                    {
                        scopes.Add(c);
                    }
                }
            }
            return VerificationResult.Valid(new VerificationDetail
            {
                Owner = owner,
                TokenName = spec.Name is null ? null : Text(Path(root, spec.Name)),
                Scopes = [.. scopes],
                HttpStatus = status,
            });
        }
    }

    /// <summary>
    /// Slack's <c>auth.test</c>: 200 with <c>ok: true</c> is valid (owner <c>user</c>, workspace
    /// <c>team</c>); 200 with <c>ok: false</c> and <c>invalid_auth</c>, <c>not_authed</c>,
    /// <c>account_inactive</c>, <c>token_revoked</c> or <c>token_expired</c> is invalid; anything else
    /// an error.
    /// </summary>
    public static VerificationResult SlackAuthTest(int status, ReadOnlySpan<byte> body)
    {
        if (status is 401 or 403)
        {
            return VerificationResult.Invalid(status, $"Slack rejected the token (HTTP {status})");
        }
        if (status != 200)
        {
            return UnexpectedStatus(status);
        }
        if (!TryParse(body, out var doc))
        {
            return VerificationResult.Error("malformed answer: not JSON", status);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out var ok) || ok.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return VerificationResult.Error("malformed answer: no 'ok'", status);
            }
            if (ok.ValueKind == JsonValueKind.True)
            {
                string? team = Text(root, "team");
                return VerificationResult.Valid(new VerificationDetail
                {
                    Owner = Text(root, "user"),
                    OwnerType = root.TryGetProperty("bot_id", out _) ? "bot" : "user",
                    Organizations = team is null ? [] : [team],
                    HttpStatus = status,
                });
            }
            string error = Text(root, "error") is { } e && e.All(c => char.IsAsciiLetterLower(c) || c == '_') ? e : "unknown_error";
            return error is "invalid_auth" or "not_authed" or "account_inactive" or "token_revoked" or "token_expired"
                ? VerificationResult.Invalid(status, $"Slack said {error}")
                : VerificationResult.Error($"Slack said {error}", status);
        }
    }

    private static VerificationResult UnexpectedStatus(int status) => status switch
    {
        429 => VerificationResult.Error("rate limited (HTTP 429)", status),
        >= 300 and < 400 => VerificationResult.Error($"unexpected redirect (HTTP {status}); redirects are not followed", status),
        >= 500 => VerificationResult.Error($"provider error (HTTP {status})", status),
        _ => VerificationResult.Error($"unexpected answer (HTTP {status})", status),
    };

    private static void ReadFineGrained(JsonElement fine, SortedSet<string> scopes)
    {
        if (fine.TryGetProperty("global", out var global) && global.ValueKind == JsonValueKind.Array)
        {
            foreach (var p in global.EnumerateArray())
            {
                if (scopes.Count < MaxListLength && Text(p) is { } s)
                {
                    scopes.Add(s);
                }
            }
        }
        if (fine.TryGetProperty("scoped", out var scoped) && scoped.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in scoped.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("permissions", out var perms) || perms.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }
                string? entityType = Text(Path(entry, "entity.type"));
                string? entityName = Text(Path(entry, "entity.name"));
                string on = entityName is null ? "" : entityType is null ? $" on {entityName}" : $" on {entityType} {entityName}";
                foreach (var p in perms.EnumerateArray())
                {
                    if (scopes.Count < MaxListLength && Text(p) is { } s)
                    {
                        scopes.Add(s + on);
                    }
                }
            }
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> body, out JsonDocument doc)
    {
        try
        {
            doc = JsonDocument.Parse(body.ToArray(), JsonOptions);
            return true;
        }
        catch (JsonException)
        {
            doc = null!;
            return false;
        }
    }

    /// <summary>The element at a dotted path of object members, or null.</summary>
    private static JsonElement? Path(JsonElement root, string dotted)
    {
        var current = root;
        foreach (var part in dotted.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out var next))
            {
                return null;
            }
            current = next;
        }
        return current;
    }

    private static string? Text(JsonElement obj, string member) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(member, out var v) ? Text(v) : null;

    private static string? Text(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.String } e => Clean(e.GetString()),
        { ValueKind: JsonValueKind.Number } e => Clean(e.GetRawText()),
        _ => null,
    };

    /// <summary>Removes control characters and cuts to <see cref="MaxFieldLength"/>; null when nothing is left.</summary>
    private static string? Clean(string? s)
    {
        if (string.IsNullOrWhiteSpace(s))
        {
            return null;
        }
        var sb = new StringBuilder(Math.Min(s.Length, MaxFieldLength));
        foreach (char c in s)
        {
            if (sb.Length == MaxFieldLength)
            {
                break;
            }
            if (!char.IsControl(c) && CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))
            {
                sb.Append(c);
            }
        }
        string t = sb.ToString().Trim();
        return t.Length == 0 ? null : t;
    }
}
