using System.Diagnostics;
using BenchmarkDotNet.Running;
using SecretHook.Benchmarks;
using SecretHook.Core.Detection;
using SecretHook.Core.Matching;
using SecretHook.Core.Rules;

if (args is ["probe", ..])
{
    // A quick look without BenchmarkDotNet: pass rates of the prefilter's stages and best-of-N
    // throughput of each search on both corpora.
    int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
    var detector = new Detector(BuiltInRules.Load());
    var automaton = detector.Automaton;
    var none = new byte[MatcherBenchmarks.Size];
    Array.Fill(none, (byte)0x80);
    foreach (var (name, text) in new[] { ("no candidate (0x80 bytes)", none), ("sparse", Corpus.Sparse(MatcherBenchmarks.Size)), ("dense", Corpus.Dense(MatcherBenchmarks.Size)) })
    {
        var hits = new List<KeywordHit>();
        automaton.FindAll(text, hits);
        if (automaton.Prefilter is { } pf)
        {
            var byCode = new Dictionary<uint, int>();
            var (s1, s2, s3) = pf.CountCandidates(text, byCode);
            Console.WriteLine($"{name}: {text.Length} bytes, {hits.Count} hits; stage 1 passes {100.0 * s1 / text.Length:F2}% of positions, stage 2 {100.0 * s2 / text.Length:F3}% (exact fingerprint {100.0 * s3 / text.Length:F3}%)");
            Console.WriteLine("  most frequent fingerprints: " + string.Join(", ", byCode.OrderByDescending(kv => kv.Value).Take(12)
                .Select(kv => $"'{(char)(kv.Key & 0xFF)}{(char)(kv.Key >> 8 & 0xFF)}{(char)(kv.Key >> 16 & 0xFF)}' {100.0 * kv.Value / text.Length:F3}%")));
        }
        var scratch = detector.CreateScratch();
        var findings = new List<Finding>();
        foreach (var (label, run) in new (string, Action)[]
        {
            ("prefilter", () => { hits.Clear(); automaton.FindAll(text, hits); }),
            ("prefilter scalar", () => { hits.Clear(); automaton.Prefilter?.FindAll(text, hits, vectorised: false); }),
            ("dfa", () => { hits.Clear(); automaton.FindAllWithDfa(text, hits); }),
            ("detector", () => { findings.Clear(); detector.Scan(new Chunk(text, "x"), scratch, findings); }),
        })
        {
            double best = double.MaxValue;
            for (int r = 0; r < rounds; r++)
            {
                var sw = Stopwatch.StartNew();
                run();
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"  {label,-18} {text.Length / 1048576.0 / best,8:F0} MB/s (best of {rounds})");
        }
    }
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(MatcherBenchmarks).Assembly).Run(args);
