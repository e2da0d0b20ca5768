using System.Net;
using SecretHook.Core.Verification;

namespace SecretHook.Cli.Verification;

/// <summary>
/// Where a check's request goes. Only the user's environment can move it, never a repository's file:
/// <list type="bullet">
/// <item><c>HF_ENDPOINT</c> (as <c>huggingface_hub</c> honours it, for mirrors and private hubs) moves
/// Hugging Face checks to <c>{HF_ENDPOINT}/api/whoami-v2</c>; it must be an http(s) URL without user
/// info, query or fragment.</item>
/// <item><c>SECRETHOOK_VERIFY_TEST_ENDPOINT_{HOST}</c> (HOST upper-cased, <c>.</c> and <c>-</c> as
/// <c>_</c>, e.g. <c>SECRETHOOK_VERIFY_TEST_ENDPOINT_API_GITHUB_COM=http://127.0.0.1:8080</c>) is for
/// tests only: it is honoured only when it names a loopback IP address (127.0.0.0/8 or ::1); pointing it
/// anywhere else makes the check an error, so a typo never sends a secret to a third party.</item>
/// </list>
/// Otherwise the request goes to <c>https://{host}{path}</c> on port 443.
/// </summary>
public sealed class VerificationEndpoints
{
    /// <summary>The variable that moves Hugging Face checks.</summary>
    public const string HuggingFaceEndpointVariable = "HF_ENDPOINT";

    /// <summary>The prefix of the test-only, loopback-only override variables.</summary>
    public const string TestEndpointPrefix = "SECRETHOOK_VERIFY_TEST_ENDPOINT_";

    private readonly Func<string, string?> _getVariable;

    /// <summary>Creates a resolver reading variables with <paramref name="getVariable"/> (the CLI passes its environment's).</summary>
    public VerificationEndpoints(Func<string, string?> getVariable) => _getVariable = getVariable;

    /// <summary>The test-only variable for <paramref name="host"/>, e.g. <c>SECRETHOOK_VERIFY_TEST_ENDPOINT_API_GITHUB_COM</c>.</summary>
    public static string TestVariableFor(string host) =>
        TestEndpointPrefix + host.ToUpperInvariant().Replace('.', '_').Replace('-', '_');

    /// <summary>The URL <paramref name="spec"/>'s request goes to, or why it cannot be sent.</summary>
    public (Uri? Uri, string? Error) Resolve(VerifySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind == VerifierKind.HuggingFaceWhoAmI && _getVariable(HuggingFaceEndpointVariable) is { Length: > 0 } hf)
        {
            if (!Uri.TryCreate(hf.Trim(), UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https")
                || endpoint.UserInfo.Length > 0 || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0)
            {
                return (null, $"{HuggingFaceEndpointVariable} is not an http(s) URL without user info, query or fragment; not checked");
            }
            return (new Uri(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + spec.Path), null);
        }
        string variable = TestVariableFor(spec.Host);
        if (_getVariable(variable) is { Length: > 0 } test)
        {
            if (!Uri.TryCreate(test.Trim(), UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https")
                || !IsLoopbackAddress(endpoint) || endpoint.UserInfo.Length > 0)
            {
                return (null, $"{variable} is honoured only for a loopback address such as http://127.0.0.1:PORT; not checked");
            }
            return (new Uri(endpoint.GetLeftPart(UriPartial.Authority) + spec.Path), null);
        }
        return (new UriBuilder(Uri.UriSchemeHttps, spec.Host, 443, spec.Path).Uri, null);
    }

    /// <summary>Whether <paramref name="uri"/>'s host is a loopback IP literal (a name such as localhost is not: it could resolve anywhere).</summary>
    public static bool IsLoopbackAddress(Uri uri) =>
        uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
        && IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
}
