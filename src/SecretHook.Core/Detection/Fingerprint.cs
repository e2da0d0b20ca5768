using System.Security.Cryptography;
using System.Text;

namespace SecretHook.Core.Detection;

/// <summary>
/// Stable, reviewable finding identities: <c>file:rule:hash</c>, where hash is the first 16 hex digits
/// of SHA-256 over rule, file and secret. It does not change when the secret moves to another line, it
/// uses forward slashes on every OS, and it never contains the secret itself.
/// </summary>
public static class Fingerprint
{
    /// <summary>Computes the fingerprint of <paramref name="secret"/> found by <paramref name="ruleId"/> in <paramref name="file"/>.</summary>
    public static string Compute(string ruleId, string file, string secret)
    {
        string path = file;
        var input = Encoding.UTF8.GetBytes($"{ruleId}\0{path}\0{secret}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return $"{path}:{ruleId}:{Convert.ToHexStringLower(hash[..8])}";
    }
}
