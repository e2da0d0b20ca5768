using CsCheck;

namespace SecretHook.Core.Tests.Fuzz;

/// <summary>
/// How long the property tests run. By default each runs a fixed number of cases on one thread
/// (about a second or two, so CI stays fast). <c>SECRETHOOK_FUZZ_SECONDS=N</c> runs every property
/// for N seconds instead, on <c>SECRETHOOK_FUZZ_THREADS</c> threads (default: all cores), and
/// <c>SECRETHOOK_FUZZ_SEED</c> replays the seed CsCheck printed for a failure.
/// </summary>
internal static class FuzzBudget
{
    private static readonly int Seconds = int.TryParse(Environment.GetEnvironmentVariable("SECRETHOOK_FUZZ_SECONDS"), out int s) && s > 0 ? s : -1;
    private static readonly int Threads = int.TryParse(Environment.GetEnvironmentVariable("SECRETHOOK_FUZZ_THREADS"), out int t) && t > 0 ? t : Seconds > 0 ? -1 : 1;
    private static readonly string? Seed = Environment.GetEnvironmentVariable("SECRETHOOK_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    /// <summary>Checks <paramref name="assert"/> on <paramref name="iterations"/> cases of <paramref name="gen"/> (or for the long-run time).</summary>
    public static void Check<T>(Gen<T> gen, Action<T> assert, long iterations, Func<T, string>? print = null) =>
        gen.Sample(assert, seed: Seed, iter: Seconds > 0 ? -1 : iterations, time: Seconds, threads: Threads, print: print);
}
