using System.Diagnostics;
using BenchmarkDotNet.Running;
using SecretHook.Benchmarks;
using SecretHook.Core.Detection;
using SecretHook.Core.Matching;
using SecretHook.Core.Rules;
using SecretHook.Pack;

if (Environment.GetEnvironmentVariable("SECRETHOOK_BENCH_INTERPRETER") == "1")
{
    // Every mode below, with the built-in patterns on the regex interpreter instead of the regexes
    // compiled at build time (what the detector cost before they were): load the pack, withdraw the offer.
    CompiledRulePack.Load();
    Rule.OfferPrebuiltRegexes(null);
}
if (args is ["loop", string corpusName, ..])
{
    // For a profiler (perf record with DOTNET_PerfMapEnabled=1): the whole detector over one corpus, repeatedly.
    int repeat = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 50;
    var text = corpusName == "dense" ? Corpus.Dense(MatcherBenchmarks.Size) : Corpus.Sparse(MatcherBenchmarks.Size);
    var detector = new Detector(CompiledRulePack.Load());
    var scratch = detector.CreateScratch();
    var findings = new List<Finding>();
    var sw = Stopwatch.StartNew();
    for (int r = 0; r < repeat; r++)
    {
        findings.Clear();
        detector.Scan(new Chunk(text, "x"), scratch, findings);
    }
    Console.WriteLine($"{corpusName}: {repeat * (text.Length / 1048576.0) / sw.Elapsed.TotalSeconds:F0} MB/s, {findings.Count} findings");
    return;
}

if (args is ["alloc", ..])
{
    // What the detector allocates per scan of each corpus, with and without decoding (after a warm-up).
    // Run it with DOTNET_TieredCompilation=0: tier-0 JIT code of the regex engine's span helpers
    // allocates (96 B a call for ^[^0-9]*$, measured), which optimised code and native AOT do not.
    if (Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") != "0")
    {
        Console.WriteLine("note: without DOTNET_TieredCompilation=0, tier-0 JIT code adds allocations native AOT does not have");
    }
    foreach (var name in new[] { "dense", "sparse" })
    {
        var text = name == "dense" ? Corpus.Dense(MatcherBenchmarks.Size) : Corpus.Sparse(MatcherBenchmarks.Size);
        foreach (int depth in new[] { 2, 0 })
        {
            var detector = new Detector(CompiledRulePack.Load()) { DecodeDepth = depth };
            var scratch = detector.CreateScratch();
            var findings = new List<Finding>();
            detector.Scan(new Chunk(text, "x"), scratch, findings);
            findings.Clear();
            long before = GC.GetAllocatedBytesForCurrentThread();
            detector.Scan(new Chunk(text, "x"), scratch, findings);
            Console.WriteLine($"{name}, decode depth {depth}: {GC.GetAllocatedBytesForCurrentThread() - before} bytes allocated, {findings.Count} findings");
        }
    }
    return;
}

if (args is ["probe-rules", ..])
{
    // Where the detector's time goes on the dense corpus: each keyword hit's line window (±512 bytes,
    // as the detector cuts it, without merging), per rule: windows, bytes, and time in Regex.IsMatch;
    // then the same with a tight window (16 bytes before the keyword, 256 after, within the line).
    var rules = CompiledRulePack.Load().Rules;
    var automaton = new Detector(CompiledRulePack.Load()).Automaton;
    var byKeyword = new Dictionary<string, List<Rule>>(StringComparer.OrdinalIgnoreCase);
    foreach (var r in rules)
    {
        foreach (var k in r.Keywords)
        {
            if (!byKeyword.TryGetValue(k, out var l))
            {
                byKeyword[k] = l = [];
            }
            if (!l.Contains(r))
            {
                l.Add(r);
            }
        }
    }
    var text = Corpus.Dense(MatcherBenchmarks.Size);
    var hits = new List<KeywordHit>();
    automaton.FindAll(text, hits);
    var stats = new Dictionary<string, (int Windows, long Bytes, double Wide, double Tight, int Timeouts)>();
    var chars = new char[64 * 1024];
    var total = Stopwatch.StartNew();
    foreach (var hit in hits)
    {
        foreach (var rule in byKeyword[automaton.Keyword(hit.KeywordId)])
        {
            _ = rule.Regex.IsMatch("warm up"); // construction is not what is measured
            ReadOnlySpan<byte> data = text;
            int floor = Math.Max(0, hit.Start - 512);
            int nl = data[floor..hit.Start].LastIndexOf((byte)'\n');
            int ws = nl < 0 ? floor : floor + nl + 1;
            int ceiling = Math.Min(data.Length, hit.End + 512);
            int e = data[hit.End..ceiling].IndexOf((byte)'\n');
            int we = e < 0 ? ceiling : hit.End + e;
            if (rule.Multiline)
            {
                ws = Math.Max(0, hit.Start - 4096);
                we = Math.Min(data.Length, hit.End + 16 * 1024);
            }
            int ts = Math.Max(ws, hit.Start - 16), te = Math.Min(we, hit.End + 256);
            int timeouts = 0;
            double Time(int from, int to)
            {
                int n = System.Text.Encoding.Latin1.GetChars(text.AsSpan(from, to - from), chars);
                var sw = Stopwatch.StartNew();
                for (int rep = 0; rep < 3; rep++)
                {
                    try
                    {
                        rule.Regex.IsMatch(chars.AsSpan(0, n));
                    }
                    catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
                    {
                        timeouts++; // the detector then runs the linear engine, as here
                        rule.LinearRegex.IsMatch(chars.AsSpan(0, n));
                    }
                }
                return sw.Elapsed.TotalMilliseconds / 3;
            }
            var (w, b, wide, tight, to) = stats.GetValueOrDefault(rule.Id);
            double wideMs = Time(ws, we);
            stats[rule.Id] = (w + 1, b + (we - ws), wide + wideMs, tight + Time(ts, te), to + timeouts);
        }
    }
    Console.WriteLine($"probe wall time {total.Elapsed.TotalMilliseconds:F0} ms");
    Console.WriteLine($"{hits.Count} keyword hits in {text.Length} bytes; {stats.Values.Sum(s => s.Windows)} windows (multi-line rules: 4 KiB before, 16 KiB after), {stats.Values.Sum(s => s.Bytes) / 1048576.0:F1} MiB of window");
    Console.WriteLine($"regex time over all windows: {stats.Values.Sum(s => s.Wide):F1} ms (line windows) vs {stats.Values.Sum(s => s.Tight):F1} ms (16 before / 256 after)");
    foreach (var (id, st) in stats.OrderByDescending(kv => kv.Value.Wide).Take(15))
    {
        Console.WriteLine($"  {id,-40} {st.Windows,6} windows {st.Bytes / 1024,7} KiB {st.Wide,8:F2} ms wide {st.Tight,8:F2} ms tight, {st.Timeouts / 3} timeouts");
    }
    return;
}

if (args is ["probe", ..])
{
    // A quick look without BenchmarkDotNet: pass rates of the prefilter's stages and best-of-N
    // throughput of each search on both corpora.
    int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
    var detector = new Detector(CompiledRulePack.Load());
    var automaton = detector.Automaton;
    // What the detector would do if the netrc rule's multi-line window cost nothing (see probe-rules).
    var all = CompiledRulePack.Load();
    var noNetrc = new Detector(new RuleSet([.. all.Rules.Where(r => r.Id != "netrc-password")], all.GlobalAllowlist));
    var noNetrcScratch = noNetrc.CreateScratch();
    // The detector without decoding, and the encoded-text finder alone (what decoding costs).
    var plain = new Detector(all) { DecodeDepth = 0 };
    var plainScratch = plain.CreateScratch();
    var encoded = new List<EncodedSpan>();
    // Build cost (matters to the commit hook): the pack's keywords, with and without the prefilter.
    var packKeywords = Enumerable.Range(0, automaton.KeywordCount).Select(automaton.Keyword).ToList();
    foreach (var withPrefilter in new[] { true, false, true, false })
    {
        var sw = Stopwatch.StartNew();
        var builder = new KeywordAutomatonBuilder();
        foreach (var k in packKeywords)
        {
            builder.Add(k);
        }
        // a 2-byte keyword turns the prefilter off (same DFA otherwise, plus one keyword)
        if (!withPrefilter)
        {
            builder.Add("q~");
        }
        var built = builder.Build();
        Console.WriteLine($"build: {sw.Elapsed.TotalMilliseconds:F2} ms (prefilter: {built.Prefilter is not null})");
    }
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
            ("detector w/o netrc", () => { findings.Clear(); noNetrc.Scan(new Chunk(text, "x"), noNetrcScratch, findings); }),
            ("detector no decode", () => { findings.Clear(); plain.Scan(new Chunk(text, "x"), plainScratch, findings); }),
            ("encoded-text find", () => { encoded.Clear(); EncodedText.Find(text, encoded); }),
            ("encoded base64 runs", () => { for (var runs = new EncodedText.Base64Runs(text, encodedOnly: true); runs.MoveNext();) { } }),
            ("escape search", () => { for (int at = 0; (at = EncodedText.NextEscape(text, at)) >= 0; at++) { } }),
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
