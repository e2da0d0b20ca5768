using System.Collections.Frozen;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Verification;

/// <summary>The kinds of request a rule's <c>verify:</c> block can name; each has one small verifier.</summary>
public enum VerifierKind
{
    /// <summary><c>huggingface-whoami</c>: <c>GET {HF_ENDPOINT or https://huggingface.co}/api/whoami-v2</c> with a bearer token.</summary>
    HuggingFaceWhoAmI = 1,

    /// <summary><c>bearer-get</c>: <c>GET https://HOST/PATH</c> with <c>Authorization: Bearer TOKEN</c>.</summary>
    BearerGet = 2,

    /// <summary><c>header-get</c>: <c>GET https://HOST/PATH</c> with the token in a named header (e.g. <c>x-api-key</c>).</summary>
    HeaderGet = 3,

    /// <summary><c>slack-auth-test</c>: <c>POST https://slack.com/api/auth.test</c> with a bearer token; a 200 answer says <c>ok</c>.</summary>
    SlackAuthTest = 4,
}

/// <summary>What a 403 answer means for a <c>bearer-get</c>/<c>header-get</c> check.</summary>
public enum ForbiddenMeaning
{
    /// <summary>The provider says 403 for a token it does not accept (the default).</summary>
    Invalid = 0,

    /// <summary>The provider says 403 for a live token that lacks the permission the check needs (Stripe's restricted keys).</summary>
    Valid = 1,
}

/// <summary>
/// A rule's <c>verify:</c> block: which kind of request proves a secret live, to which fixed host and
/// path, and where in the answer the owner, token name and scopes are. Pure data, validated by
/// <see cref="RuleLoader"/>; the request itself is made at the edge (<c>SecretHook.Cli.Verification</c>).
/// The scheme is always HTTPS and the port always 443: neither can be written in a rule.
/// </summary>
public sealed class VerifySpec
{
    /// <summary>Creates a spec; <see cref="RuleLoader"/> validates the values first.</summary>
    public VerifySpec(VerifierKind kind, string host, string path)
    {
        Kind = kind;
        Host = host;
        Path = path;
    }

    /// <summary>The kind of request.</summary>
    public VerifierKind Kind { get; }

    /// <summary>
    /// The DNS name the secret is sent to (lower case): fixed by the kind for
    /// <see cref="VerifierKind.HuggingFaceWhoAmI"/> (<c>huggingface.co</c>, or the user's
    /// <c>HF_ENDPOINT</c>) and <see cref="VerifierKind.SlackAuthTest"/> (<c>slack.com</c>).
    /// </summary>
    public string Host { get; }

    /// <summary>The request path, starting with <c>/</c>, without query or fragment.</summary>
    public string Path { get; }

    /// <summary>For <see cref="VerifierKind.HeaderGet"/>: the header that carries the token.</summary>
    public string? Header { get; init; }

    /// <summary>Fixed extra request headers (e.g. <c>anthropic-version</c>), in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Dotted path of the JSON string (or number) in a 200 answer that names the owner, if any.</summary>
    public string? Owner { get; init; }

    /// <summary>Dotted path of the JSON string in a 200 answer that names the token itself, if any.</summary>
    public string? Name { get; init; }

    /// <summary>Dotted path of the JSON array of strings in a 200 answer that lists the token's scopes, if any.</summary>
    public string? Scopes { get; init; }

    /// <summary>A response header with a comma-separated scope list (GitHub's <c>x-oauth-scopes</c>), if any.</summary>
    public string? ScopesHeader { get; init; }

    /// <summary>What a 403 answer means.</summary>
    public ForbiddenMeaning Forbidden { get; init; }

    /// <summary>Where the <c>verify:</c> block was written (the built-in pack keeps its YAML position).</summary>
    public SourceLocation Location { get; init; }

    /// <summary>
    /// A string naming the request exactly (kind, host, path, headers, what is read back): two rules
    /// with equal targets send a secret once.
    /// </summary>
    public string TargetKey => string.Join('\u001f',
        [((int)Kind).ToString(System.Globalization.CultureInfo.InvariantCulture), Host, Path, Header ?? "",
         string.Join('\u001e', Headers.Select(h => h.Key + ":" + h.Value)), Owner ?? "", Name ?? "", Scopes ?? "",
         ScopesHeader ?? "", ((int)Forbidden).ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    /// <summary>The kind's name as written in YAML.</summary>
    public static string KindName(VerifierKind kind) => kind switch
    {
        VerifierKind.HuggingFaceWhoAmI => "huggingface-whoami",
        VerifierKind.BearerGet => "bearer-get",
        VerifierKind.HeaderGet => "header-get",
        VerifierKind.SlackAuthTest => "slack-auth-test",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Kind names as written in YAML.</summary>
    public static FrozenDictionary<string, VerifierKind> KindsByName { get; } = new Dictionary<string, VerifierKind>(StringComparer.Ordinal)
    {
        ["huggingface-whoami"] = VerifierKind.HuggingFaceWhoAmI,
        ["bearer-get"] = VerifierKind.BearerGet,
        ["header-get"] = VerifierKind.HeaderGet,
        ["slack-auth-test"] = VerifierKind.SlackAuthTest,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The host a kind always uses, or null when the rule names it.</summary>
    public static (string Host, string Path)? FixedTarget(VerifierKind kind) => kind switch
    {
        VerifierKind.HuggingFaceWhoAmI => ("huggingface.co", "/api/whoami-v2"),
        VerifierKind.SlackAuthTest => ("slack.com", "/api/auth.test"),
        _ => null,
    };
}

/// <summary>
/// Which hosts a rule that does not ship with the tool (a repository's <c>.secrethook.yaml</c>, a
/// <c>--rules</c> file) may send a secret to: the built-in providers' API hosts, plus hosts the user
/// allows in their <em>own</em> configuration (never a repository's: the CLI builds this from the
/// user-level config only). Immutable.
/// </summary>
public sealed class VerificationHostPolicy
{
    private readonly FrozenSet<string> _extra;

    private VerificationHostPolicy(IEnumerable<string> extra) =>
        _extra = extra.Select(h => h.ToLowerInvariant()).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The API hosts of the built-in pack's checks. Every built-in rule's host must be here (the pack
    /// compiler loads the pack as untrusted, so a new host fails the build until it is listed).
    /// </summary>
    public static FrozenSet<string> BuiltInHosts { get; } = new[]
    {
        "huggingface.co", "api.github.com", "gitlab.com", "api.openai.com", "api.anthropic.com", "slack.com",
        "registry.npmjs.org", "api.stripe.com", "api.sendgrid.com", "api.replicate.com", "api.groq.com",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Only <see cref="BuiltInHosts"/> (the default, and the only policy a repository can get).</summary>
    public static VerificationHostPolicy BuiltInOnly { get; } = new([]);

    /// <summary>
    /// <see cref="BuiltInHosts"/> plus <paramref name="hosts"/>, which the user listed in their own
    /// configuration (e.g. an internal API). Each must be a DNS name (<see cref="IsValidHost"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A host is not a valid DNS name.</exception>
    public static VerificationHostPolicy AllowingCustomHosts(IEnumerable<string> hosts)
    {
        var list = hosts.ToList();
        foreach (var h in list)
        {
            if (!IsValidHost(h.ToLowerInvariant()))
            {
                throw new ArgumentException($"'{h}' is not a DNS host name", nameof(hosts));
            }
        }
        return new VerificationHostPolicy(list);
    }

    /// <summary>The hosts allowed beyond the built-in ones.</summary>
    public IReadOnlySet<string> CustomHosts => _extra;

    /// <summary>Whether a rule that is not built in may send a secret to <paramref name="host"/>.</summary>
    public bool Permits(string host) => BuiltInHosts.Contains(host) || _extra.Contains(host);

    /// <summary>
    /// Whether <paramref name="rule"/>'s check may run: built-in (vetted) rules always, others only to
    /// a permitted host. Kinds with a fixed host (Hugging Face, Slack) send the secret to that
    /// provider only, so any rule may use them.
    /// </summary>
    public bool Permits(Rule rule, VerifySpec spec) =>
        rule.Vetted || VerifySpec.FixedTarget(spec.Kind) is not null || Permits(spec.Host);

    /// <summary>A lower-case DNS name with at least two labels (no IP literal, port, scheme or path).</summary>
    public static bool IsValidHost(string host)
    {
        if (host.Length is 0 or > 253)
        {
            return false;
        }
        var labels = host.Split('.');
        if (labels.Length < 2)
        {
            return false;
        }
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
            foreach (char c in label)
            {
                if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                {
                    return false;
                }
            }
        }
        // The last label of a DNS name is never all digits: that would be an IPv4 literal.
        return !labels[^1].All(char.IsAsciiDigit);
    }
}
