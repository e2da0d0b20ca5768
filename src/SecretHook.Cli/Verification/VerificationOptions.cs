using SecretHook.Core.Verification;

namespace SecretHook.Cli.Verification;

/// <summary>
/// How <see cref="VerificationService"/> sends its requests. Immutable; the defaults are what
/// <c>--verify</c> uses. Every value here comes from the command line or the user's own configuration,
/// never from a repository's <c>.secrethook.yaml</c>.
/// </summary>
public sealed record VerificationOptions
{
    /// <summary>The default per-request timeout (<c>--verify-timeout</c>).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default limit on the whole verification phase of a run.</summary>
    public static readonly TimeSpan DefaultTotalBudget = TimeSpan.FromSeconds(30);

    /// <summary>The default number of requests in flight at once.</summary>
    public const int DefaultMaxConcurrency = 4;

    /// <summary>The most bytes of an answer that are read; a longer answer is an error.</summary>
    public const int MaxResponseBytes = 256 * 1024;

    /// <summary>How long one request (connect, send, answer, body) may take; then it is an error "timed out".</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>
    /// How long the whole phase may take: when it runs out, requests in flight are cancelled and the
    /// secrets not yet checked get an error "budget used up". A run never waits longer than this.
    /// </summary>
    public TimeSpan TotalBudget { get; init; } = DefaultTotalBudget;

    /// <summary>Requests in flight at once (1..32).</summary>
    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary>
    /// The hosts rules that are not built in may send secrets to: <see cref="VerificationHostPolicy.BuiltInOnly"/>
    /// unless the user's own configuration allows more. Checked again before each request, whatever the
    /// loader let through.
    /// </summary>
    public VerificationHostPolicy Hosts { get; init; } = VerificationHostPolicy.BuiltInOnly;

    /// <summary>Checks the values, as the CLI must before building a service.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), "the verification timeout must be more than 0 and at most 5 minutes");
        }
        if (TotalBudget <= TimeSpan.Zero || TotalBudget > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(TotalBudget), "the verification budget must be more than 0 and at most an hour");
        }
        if (MaxConcurrency is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), "verification concurrency must be from 1 to 32");
        }
    }
}
