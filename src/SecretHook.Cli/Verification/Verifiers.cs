using System.Net;
using System.Net.Http.Headers;
using SecretHook.Core.Verification;

namespace SecretHook.Cli.Verification;

/// <summary>
/// One kind of request (<see cref="VerifierKind"/>): builds it with the secret in a header only (never
/// the URL, query or body), sends it, and hands status and body to <see cref="ProviderResponses"/>.
/// </summary>
internal interface IVerifier
{
    /// <summary>Sends the check for <paramref name="secret"/> to <paramref name="uri"/>; exceptions are the caller's to turn into errors.</summary>
    Task<VerificationResult> VerifyAsync(HttpClient http, Uri uri, VerifySpec spec, string secret, CancellationToken cancellationToken);
}

/// <summary>The verifier of each kind.</summary>
internal static class Verifiers
{
    private static readonly IVerifier HuggingFace = new HuggingFaceWhoAmIVerifier();
    private static readonly IVerifier HttpGet = new HttpGetVerifier();
    private static readonly IVerifier Slack = new SlackAuthTestVerifier();

    /// <summary>The verifier for <paramref name="kind"/>.</summary>
    public static IVerifier For(VerifierKind kind) => kind switch
    {
        VerifierKind.HuggingFaceWhoAmI => HuggingFace,
        VerifierKind.BearerGet or VerifierKind.HeaderGet => HttpGet,
        VerifierKind.SlackAuthTest => Slack,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// Whether <paramref name="secret"/> can travel in a header as is: visible ASCII only. Checked before
    /// any header is built, so no header parser ever sees (and quotes in an exception) a bad value.
    /// </summary>
    public static bool IsHeaderSafe(string secret) =>
        secret.Length is > 0 and <= 4096 && secret.All(c => c is > ' ' and <= '~');

    /// <summary>A request with the headers every check sends.</summary>
    public static HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri) { Version = HttpVersion.Version11 };
        request.Headers.TryAddWithoutValidation("User-Agent", "secrethook-verify/1 (+read-only token check)");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        return request;
    }

    /// <summary>Adds <c>Authorization: Bearer SECRET</c> (the secret was checked with <see cref="IsHeaderSafe"/>).</summary>
    public static void AddBearer(HttpRequestMessage request, string secret) =>
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + secret);

    /// <summary>
    /// Sends <paramref name="request"/> and reads at most <see cref="VerificationOptions.MaxResponseBytes"/>
    /// of the answer; redirects are not followed (the handler is configured so), so a 3xx is returned as is.
    /// </summary>
    /// <exception cref="InvalidDataException">The answer is longer than the limit.</exception>
    public static async Task<(int Status, byte[] Body, HttpResponseHeaders Headers)> SendAsync(
        HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > VerificationOptions.MaxResponseBytes)
        {
            throw new InvalidDataException("answer too long");
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > VerificationOptions.MaxResponseBytes)
            {
                throw new InvalidDataException("answer too long");
            }
            buffer.Write(chunk, 0, read);
        }
        return ((int)response.StatusCode, buffer.ToArray(), response.Headers);
    }
}

/// <summary><c>huggingface-whoami</c>: <c>GET …/api/whoami-v2</c> with <c>Authorization: Bearer TOKEN</c>.</summary>
internal sealed class HuggingFaceWhoAmIVerifier : IVerifier
{
    public async Task<VerificationResult> VerifyAsync(HttpClient http, Uri uri, VerifySpec spec, string secret, CancellationToken cancellationToken)
    {
        using var request = Verifiers.Request(HttpMethod.Get, uri);
        Verifiers.AddBearer(request, secret);
        var (status, body, _) = await Verifiers.SendAsync(http, request, cancellationToken).ConfigureAwait(false);
        return ProviderResponses.HuggingFaceWhoAmI(status, body);
    }
}

/// <summary>
/// <c>bearer-get</c> and <c>header-get</c>: <c>GET https://HOST/PATH</c> with the token as a bearer token
/// or in the named header, plus the rule's fixed headers.
/// </summary>
internal sealed class HttpGetVerifier : IVerifier
{
    public async Task<VerificationResult> VerifyAsync(HttpClient http, Uri uri, VerifySpec spec, string secret, CancellationToken cancellationToken)
    {
        using var request = Verifiers.Request(HttpMethod.Get, uri);
        foreach (var (name, value) in spec.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (spec.Kind == VerifierKind.HeaderGet && spec.Header is { } header)
        {
            request.Headers.TryAddWithoutValidation(header, secret);
        }
        else
        {
            Verifiers.AddBearer(request, secret);
        }
        var (status, body, headers) = await Verifiers.SendAsync(http, request, cancellationToken).ConfigureAwait(false);
        string? scopes = spec.ScopesHeader is { } h && headers.TryGetValues(h, out var values) ? string.Join(',', values) : null;
        return ProviderResponses.HttpJson(spec, status, body, scopes);
    }
}

/// <summary><c>slack-auth-test</c>: <c>POST https://slack.com/api/auth.test</c> with a bearer token and an empty form.</summary>
internal sealed class SlackAuthTestVerifier : IVerifier
{
    public async Task<VerificationResult> VerifyAsync(HttpClient http, Uri uri, VerifySpec spec, string secret, CancellationToken cancellationToken)
    {
        using var request = Verifiers.Request(HttpMethod.Post, uri);
        Verifiers.AddBearer(request, secret);
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var (status, body, _) = await Verifiers.SendAsync(http, request, cancellationToken).ConfigureAwait(false);
        return ProviderResponses.SlackAuthTest(status, body);
    }
}
