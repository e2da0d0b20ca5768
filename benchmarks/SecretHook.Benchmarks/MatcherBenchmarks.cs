using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SecretHook.Core.Detection;
using SecretHook.Core.Matching;
using SecretHook.Pack;

namespace SecretHook.Benchmarks;

/// <summary>
/// Throughput on one thread of the keyword search alone (the prefilter path <see cref="KeywordAutomaton.FindAll"/>
/// uses, and the plain DFA for comparison) and of the whole detector (search, windows, regexes) over
/// 8 MiB with no secret in it: <c>Sparse</c> (SDK text, few keyword hits) and <c>Dense</c> (kernel C
/// and Python ML source, a keyword on about one line in 100). See <see cref="Corpus"/>. The MB/s
/// column is 8 MiB / mean (MiB = 2^20 bytes).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class MatcherBenchmarks
{
    private byte[] _text = [];
    private Detector _detector = null!;
    private DetectorScratch _scratch = null!;
    private KeywordAutomaton _automaton = null!;
    private readonly List<KeywordHit> _hits = [];
    private readonly List<Finding> _findings = [];

    /// <summary>Bytes per operation.</summary>
    public const int Size = 8 * 1024 * 1024;

    /// <summary>Which corpus: "Sparse" or "Dense".</summary>
    [Params("Sparse", "Dense")]
    public string Input { get; set; } = "Sparse";

    [GlobalSetup]
    public void Setup()
    {
        _text = Input == "Dense" ? Corpus.Dense(Size) : Corpus.Sparse(Size);
        _detector = new Detector(CompiledRulePack.Load());
        _scratch = _detector.CreateScratch();
        _automaton = _detector.Automaton;
        _hits.Clear();
        _automaton.FindAll(_text, _hits);
        Console.WriteLine($"// {Input}: {Corpus.Describe()}");
        Console.WriteLine($"// keywords: {_automaton.KeywordCount}, states: {_automaton.StateCount}, start skip: {_automaton.UsesStartSkip}, prefilter: {_automaton.UsesPrefilter}, keyword hits: {_hits.Count} ({_hits.Count * 1e6 / _text.Length:F0} per MB)");
    }

    [Benchmark(Baseline = true)]
    public int Automaton()
    {
        _hits.Clear();
        _automaton.FindAll(_text, _hits);
        return _hits.Count;
    }

    [Benchmark]
    public int AutomatonDfaOnly()
    {
        _hits.Clear();
        _automaton.FindAllWithDfa(_text, _hits);
        return _hits.Count;
    }

    [Benchmark]
    public int Detector()
    {
        _findings.Clear();
        _detector.Scan(new Chunk(_text, "bench"), _scratch, _findings);
        return _findings.Count;
    }
}

/// <summary>Adds the MB/s column.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    /// <summary>The default configuration plus <see cref="ThroughputColumn"/>.</summary>
    public ThroughputConfig() => AddColumn(new ThroughputColumn());
}

/// <summary><see cref="MatcherBenchmarks.Size"/> bytes divided by the mean time, in MiB/s.</summary>
public sealed class ThroughputColumn : IColumn
{
    /// <inheritdoc />
    public string Id => nameof(ThroughputColumn);

    /// <inheritdoc />
    public string ColumnName => "MB/s";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Statistics;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => "MiB scanned per second (8 MiB / mean)";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        return report?.ResultStatistics is { } stats
            ? (MatcherBenchmarks.Size / 1048576.0 / (stats.Mean / 1e9)).ToString("F0", System.Globalization.CultureInfo.InvariantCulture)
            : "-";
    }

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;
}
