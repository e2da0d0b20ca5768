using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using SecretHook.Core.Rules;
using SecretHook.Core.Verification;

namespace SecretHook.Cli.Verification;

/// <summary>
/// Asks providers whether found secrets are live — only when the user asked (<c>--verify</c>): build
/// this service only then, since it is the one place that opens network connections.
/// <list type="bullet">
/// <item>One request per distinct (check, secret) per run: findings of the same secret (in many files,
/// commits, or rules with the same <c>verify:</c> target) share it. No retries.</item>
/// <item>At most <see cref="VerificationOptions.MaxConcurrency"/> requests in flight, each limited to
/// <see cref="VerificationOptions.Timeout"/>, all to <see cref="VerificationOptions.TotalBudget"/>.</item>
/// <item>HTTPS to the provider's fixed host (see <see cref="VerificationEndpoints"/> for the user's
/// <c>HF_ENDPOINT</c> and the loopback-only test override); redirects are not followed; the system
/// proxy (<c>HTTPS_PROXY</c>/<c>NO_PROXY</c>) is used, except for loopback addresses.</item>
/// <item>A rule that is not built in is checked only when <see cref="VerificationOptions.Hosts"/>
/// permits its host (checked here again, whatever the loader let through).</item>
/// <item>The secret travels only in a request header; it is never logged, and every reason text
/// (exception messages included) is scrubbed of it.</item>
/// </list>
/// Thread-safe; one instance per run. Disposing it closes its connections.
/// </summary>
public sealed class VerificationService : IDisposable
{
    private readonly VerificationOptions _options;
    private readonly VerificationEndpoints _endpoints;
    private readonly HttpClient _http;
    private int _requestsSent;

    /// <summary>
    /// Creates the service with its own connection pool. <paramref name="getVariable"/> reads the user's
    /// environment (<c>HF_ENDPOINT</c>, the test-only overrides); pass <c>CliEnvironment.GetVariable</c>.
    /// No connection is opened until <see cref="VerifyAsync(RuleSet, IEnumerable{ValueTuple{string, string}}, CancellationToken)"/> sends a request.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public VerificationService(VerificationOptions options, Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _endpoints = new VerificationEndpoints(getVariable);
        _http = new HttpClient(CreateHandler(options), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>How many requests this service has sent so far.</summary>
    public int RequestsSent => Volatile.Read(ref _requestsSent);

    /// <summary>
    /// Checks the secrets of <paramref name="findings"/> (rule id and plaintext secret of each finding;
    /// duplicates are fine and cost nothing). Findings whose rule has no <c>verify:</c> block, or whose
    /// rule is not in <paramref name="rules"/>, get no result. Never throws for a provider's or the
    /// network's failure: those are <see cref="VerificationStatus.Error"/> results.
    /// </summary>
    /// <param name="rules">The rule set the scan ran.</param>
    /// <param name="findings">(rule id, secret) of every finding.</param>
    /// <param name="cancellationToken">Cancels the phase; unchecked secrets then get an error result.</param>
    public async Task<VerificationResults> VerifyAsync(RuleSet rules, IEnumerable<(string RuleId, string Secret)> findings,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(findings);
        var byFinding = new Dictionary<(string RuleId, string Secret), Task<VerificationResult>>();
        var byTarget = new Dictionary<(string Target, string Secret), Task<VerificationResult>>();
        var work = new List<(Rule Rule, VerifySpec Spec, string Secret, TaskCompletionSource<VerificationResult> Done)>();
        foreach (var (ruleId, secret) in findings)
        {
            if (byFinding.ContainsKey((ruleId, secret)) || rules.Find(ruleId) is not { Verify: { } spec } rule)
            {
                continue;
            }
            var key = (spec.TargetKey, secret);
            if (!byTarget.TryGetValue(key, out var task))
            {
                var done = new TaskCompletionSource<VerificationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                work.Add((rule, spec, secret, done));
                task = done.Task;
                byTarget[key] = task;
            }
            byFinding[(ruleId, secret)] = task;
        }
        if (work.Count > 0)
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(_options.TotalBudget);
            using var gate = new SemaphoreSlim(_options.MaxConcurrency);
            await Task.WhenAll(work.Select(w => RunAsync(w.Rule, w.Spec, w.Secret, w.Done, gate, budget.Token, cancellationToken))).ConfigureAwait(false);
        }
        var results = new Dictionary<(string RuleId, string Secret), VerificationResult>(byFinding.Count);
        foreach (var (key, task) in byFinding)
        {
            results[key] = await task.ConfigureAwait(false);
        }
        return new VerificationResults(results);
    }

    /// <summary>
    /// <see cref="VerifyAsync"/> for the synchronous command handlers: blocks until every check has a
    /// verdict (at most <see cref="VerificationOptions.TotalBudget"/>). The CLI has no synchronization
    /// context, so this cannot deadlock there.
    /// </summary>
    public VerificationResults Verify(RuleSet rules, IEnumerable<(string RuleId, string Secret)> findings) =>
        VerifyAsync(rules, findings).GetAwaiter().GetResult();

    private async Task RunAsync(Rule rule, VerifySpec spec, string secret, TaskCompletionSource<VerificationResult> done,
        SemaphoreSlim gate, CancellationToken budget, CancellationToken caller)
    {
        VerificationResult result;
        try
        {
            await gate.WaitAsync(budget).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            done.SetResult(NotChecked(caller));
            return;
        }
        // The check before us may end because the budget ran out and hand us the gate before our own
        // wait sees the cancellation: then this secret was not checked either, and no request starts.
        if (budget.IsCancellationRequested)
        {
            gate.Release();
            done.SetResult(NotChecked(caller));
            return;
        }
        try
        {
            result = await CheckAsync(rule, spec, secret, budget, caller).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // One secret's failure must not end the run, and no exception message (which could quote anything) may escape.
        catch (Exception e)
#pragma warning restore CA1031
        {
            result = VerificationResult.Error($"internal error ({e.GetType().Name})");
        }
        finally
        {
            gate.Release();
        }
        done.SetResult(Scrub(result, secret));
    }

    private VerificationResult NotChecked(CancellationToken caller) => VerificationResult.Error(caller.IsCancellationRequested
        ? "cancelled before this secret was checked"
        : $"the verification budget of {Seconds(_options.TotalBudget)} was used up before this secret was checked");

    private async Task<VerificationResult> CheckAsync(Rule rule, VerifySpec spec, string secret, CancellationToken budget, CancellationToken caller)
    {
        if (!_options.Hosts.Permits(rule, spec))
        {
            return VerificationResult.Error($"sending a secret of rule {rule.Id} to {spec.Host} is not permitted (not a built-in verification host, and not allowed in the user's configuration)");
        }
        if (!Verifiers.IsHeaderSafe(secret))
        {
            return VerificationResult.Error("the secret holds characters a request header cannot carry; not checked");
        }
        var (uri, error) = _endpoints.Resolve(spec);
        if (uri is null)
        {
            return VerificationResult.Error(error!);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(budget);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            Interlocked.Increment(ref _requestsSent);
            return await Verifiers.For(spec.Kind).VerifyAsync(_http, uri, spec, secret, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return VerificationResult.Error(caller.IsCancellationRequested ? "cancelled"
                : budget.IsCancellationRequested ? $"the verification budget of {Seconds(_options.TotalBudget)} was used up during the request"
                : $"no answer from {uri.Host} within {Seconds(_options.Timeout)}");
        }
        catch (HttpRequestException e)
        {
            return VerificationResult.Error(Describe(e, uri));
        }
        catch (InvalidDataException)
        {
            return VerificationResult.Error($"the answer from {uri.Host} was longer than {VerificationOptions.MaxResponseBytes / 1024} KiB");
        }
        catch (IOException)
        {
            return VerificationResult.Error($"the connection to {uri.Host} failed while reading the answer");
        }
    }

    /// <summary>A reason for a failed request, built from the error's kind (never its message, which could quote anything).</summary>
    private static string Describe(HttpRequestException e, Uri uri)
    {
        var socket = FindInner<SocketException>(e);
        string where = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"cannot resolve {uri.Host} (no network or no DNS)",
            HttpRequestError.ConnectionError when socket?.SocketErrorCode == SocketError.ConnectionRefused => $"connection to {where} refused",
            HttpRequestError.ConnectionError when socket is not null => $"cannot connect to {where} ({socket.SocketErrorCode})",
            HttpRequestError.ConnectionError => $"cannot connect to {where}",
            HttpRequestError.SecureConnectionError => FindInner<AuthenticationException>(e) is not null
                ? $"TLS with {uri.Host} failed (certificate or protocol)"
                : $"TLS with {uri.Host} failed",
            HttpRequestError.ProxyTunnelError => $"the proxy refused the tunnel to {uri.Host}",
            HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded => $"malformed answer from {where} (not HTTP)",
            HttpRequestError.ConfigurationLimitExceeded => $"the answer from {where} exceeded a limit",
            _ => $"request to {where} failed ({e.HttpRequestError})",
        };
    }

    private static T? FindInner<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is T t)
            {
                return t;
            }
        }
        return null;
    }

    /// <summary>Removes <paramref name="secret"/> from every text of <paramref name="result"/> (an answer could echo it).</summary>
    internal static VerificationResult Scrub(VerificationResult result, string secret)
    {
        string? S(string? s) => s is null || !s.Contains(secret, StringComparison.Ordinal) ? s : s.Replace(secret, "[secret]", StringComparison.Ordinal);
        var d = result.Detail;
        return result with
        {
            Detail = d with
            {
                Owner = S(d.Owner),
                OwnerType = S(d.OwnerType),
                TokenName = S(d.TokenName),
                Role = S(d.Role),
                RoleDescription = S(d.RoleDescription),
                Reason = S(d.Reason),
                Scopes = [.. d.Scopes.Select(s => S(s)!)],
                Organizations = [.. d.Organizations.Select(s => S(s)!)],
            },
        };
    }

    private static string Seconds(TimeSpan t) =>
        t.TotalSeconds >= 1 && t.TotalSeconds == Math.Floor(t.TotalSeconds)
            ? $"{t.TotalSeconds:0} s"
            : $"{t.TotalMilliseconds:0} ms";

    private static SocketsHttpHandler CreateHandler(VerificationOptions options) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = options.Timeout,
        MaxResponseHeadersLength = 64,
        MaxConnectionsPerServer = options.MaxConcurrency,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        UseProxy = true,
        Proxy = new LoopbackBypassProxy(HttpClient.DefaultProxy),
    };

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The system proxy (<c>HTTPS_PROXY</c>, <c>HTTP_PROXY</c>, <c>NO_PROXY</c>, as .NET reads them), except
    /// that loopback addresses always go direct: a test server or a local hub mirror is never reached
    /// through a remote proxy.
    /// </summary>
    private sealed class LoopbackBypassProxy(IWebProxy inner) : IWebProxy
    {
        public ICredentials? Credentials
        {
            get => inner.Credentials;
            set => inner.Credentials = value;
        }

        public Uri? GetProxy(Uri destination) => IsBypassed(destination) ? null : inner.GetProxy(destination);

        public bool IsBypassed(Uri host) => VerificationEndpoints.IsLoopbackAddress(host) || inner.IsBypassed(host);
    }
}

/// <summary>The verdicts of one run, by (rule id, secret) of the findings that were checked.</summary>
public sealed class VerificationResults
{
    private readonly Dictionary<(string RuleId, string Secret), VerificationResult> _results;

    internal VerificationResults(Dictionary<(string RuleId, string Secret), VerificationResult> results) => _results = results;

    /// <summary>No verdicts (verification off, or nothing to check).</summary>
    public static VerificationResults None { get; } = new([]);

    /// <summary>How many findings (distinct rule id and secret) have a verdict.</summary>
    public int Count => _results.Count;

    /// <summary>The verdict on a finding's secret, or null when its rule has no check (or it was not submitted).</summary>
    public VerificationResult? Get(string ruleId, string secret) => _results.GetValueOrDefault((ruleId, secret));
}
