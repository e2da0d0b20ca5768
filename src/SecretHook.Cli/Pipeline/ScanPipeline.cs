using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Sources;
using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;
using SecretHook.Core.Suppression;

namespace SecretHook.Cli.Pipeline;

/// <summary>How many findings each suppression dropped (and files the path allowlist kept out).</summary>
public sealed record SuppressionCounts(int FilesByPath, int Inline, int ByIgnoreFile, int ByBaseline)
{
    /// <summary>Findings dropped.</summary>
    public int Findings => Inline + ByIgnoreFile + ByBaseline;
}

/// <summary>What a run produced: the findings to report (filtered, sorted) and everything the summary and exit code need.</summary>
public sealed record ScanOutcome(
    IReadOnlyList<Finding> Findings,
    SuppressionCounts Suppressed,
    IReadOnlyList<IgnoreEntry> Stale,
    IReadOnlyList<SkippedFile> Skipped,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> Warnings,
    long Files,
    long Bytes,
    TimeSpan Elapsed)
{
    /// <summary>Distinct files (canonical paths) with at least one reported finding.</summary>
    public int FilesWithFindings => Findings.Select(f => f.File).Distinct(StringComparer.Ordinal).Count();
}

/// <summary>
/// The one pipeline every scanning command runs: a source feeds files and chunks; files are read and
/// scanned by workers (chunks where they arrive); the path allowlist keeps files out before they are
/// read; findings are then filtered — inline allow markers, the ignore file, the baseline, in that
/// order — and sorted once. Workers, counters and filtering live here and nowhere else.
/// </summary>
public sealed class ScanPipeline : IScanSink
{
    private readonly ScanSettings _settings;
    private readonly Task<Detector> _detector;
    private readonly ConcurrentQueue<SkippedFile> _skipped = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly List<string> _warnings = [];
    private readonly List<List<Finding>> _results = [];
    private readonly Worker _inline;
    private BlockingCollection<FileItem>? _queue;
    private List<Thread>? _threads;
    private int _filesByPath;

    private ScanPipeline(ScanSettings settings)
    {
        _settings = settings;
        // Building the automaton takes milliseconds; overlap it with the source's start (git's process).
        _detector = Task.Run(() => new Detector(settings.Rules, settings.InlineMarkers));
        _inline = new Worker(this);
        _results.Add(_inline.Findings);
    }

    /// <summary>
    /// Runs <paramref name="source"/> through the pipeline with <paramref name="settings"/>; with
    /// <see cref="ScanSettings.Verify"/> (and an environment to read <c>HF_ENDPOINT</c> and proxies from)
    /// the reported findings are then checked with their providers, and <see cref="ScanSettings.OnlyVerified"/>
    /// keeps only the live ones. Without it no connection is ever opened.
    /// </summary>
    public static ScanOutcome Execute(ScanSettings settings, IScanSource source, CliEnvironment? env = null)
    {
        var clock = Stopwatch.StartNew();
        var pipeline = new ScanPipeline(settings);
        using (var progress = settings.Progress && env is not null ? new ProgressLine(pipeline, env.Stderr, clock) : null)
        {
            try
            {
                source.Run(pipeline);
            }
            finally
            {
                pipeline.Drain();
            }
        }
        var outcome = pipeline.Outcome(clock.Elapsed);
        if (settings.Verify && env is not null && outcome.Findings.Count > 0)
        {
            outcome = Verify(settings, outcome, env) with { Elapsed = clock.Elapsed };
        }
        return outcome;
    }

    private static ScanOutcome Verify(ScanSettings settings, ScanOutcome outcome, CliEnvironment env)
    {
        var results = VerifySecrets(settings, outcome.Findings, env);
        var verified = outcome.Findings.Select(f => results.Get(f.RuleId, f.Secret) is { } r ? f with { Verification = r } : f).ToList();
        if (settings.OnlyVerified)
        {
            verified = [.. verified.Where(f => f.Verification?.Status == Core.Verification.VerificationStatus.Valid)];
        }
        return outcome with { Findings = verified };
    }

    /// <summary>
    /// Checks the secrets of <paramref name="findings"/> with their providers, as <see cref="ScanSettings.VerifyOptions"/>
    /// says: one request per distinct secret, over a service that lives for this call only. The one way
    /// the commands verify (the scan pipeline above and <c>doctor --verify</c>); call it only when
    /// <see cref="ScanSettings.Verify"/> is set, since it opens network connections.
    /// </summary>
    internal static Verification.VerificationResults VerifySecrets(ScanSettings settings, IEnumerable<Finding> findings, CliEnvironment env)
    {
        using var service = new Verification.VerificationService(settings.VerifyOptions, env.GetVariable);
        return service.Verify(settings.Rules, findings.Select(f => (f.RuleId, f.Secret)));
    }

    /// <inheritdoc />
    public void File(FileItem file)
    {
        if (AllowedByPath(file.CanonicalPath))
        {
            return;
        }
        if (_settings.Threads <= 1)
        {
            _inline.Scan(file);
            return;
        }
        if (_queue is null)
        {
            _queue = new BlockingCollection<FileItem>(boundedCapacity: 4096);
            _threads = [];
            for (int i = 0; i < _settings.Threads; i++)
            {
                var worker = new Worker(this);
                _results.Add(worker.Findings);
                var thread = new Thread(() =>
                {
                    try
                    {
                        foreach (var item in _queue.GetConsumingEnumerable())
                        {
                            worker.Scan(item);
                        }
                    }
                    finally
                    {
                        worker.Dispose();
                    }
                })
                { IsBackground = true, Name = "secrethook-worker" };
                _threads.Add(thread);
                thread.Start();
            }
        }
        _queue.Add(file);
    }

    /// <inheritdoc />
    public void Content(in Chunk chunk)
    {
        if (AllowedByPath(chunk.Path))
        {
            return;
        }
        _inline.Scan(chunk);
    }

    /// <inheritdoc />
    public void Skip(string displayPath, string reason) => _skipped.Enqueue(new SkippedFile(displayPath, reason));

    /// <inheritdoc />
    public void Fail(string message) => _errors.Enqueue(message);

    /// <inheritdoc />
    public void Warn(string message) => _warnings.Add(message);

    private bool AllowedByPath(string canonical)
    {
        foreach (var glob in _settings.AllowPaths)
        {
            if (glob.IsMatch(canonical))
            {
                Interlocked.Increment(ref _filesByPath);
                return true;
            }
        }
        return false;
    }

    private void Drain()
    {
        if (_queue is not null)
        {
            _queue.CompleteAdding();
            foreach (var t in _threads!)
            {
                t.Join();
            }
            _queue.Dispose();
        }
        _inline.Dispose();
    }

    private ScanOutcome Outcome(TimeSpan elapsed)
    {
        var all = _results.SelectMany(r => r).ToList();
        var afterInline = all.Where(f => !f.InlineAllowed).ToList();
        int inline = all.Count - afterInline.Count;
        var ignore = _settings.Ignore;
        var stale = ignore?.Stale(afterInline) ?? [];
        var afterIgnore = ignore is null ? afterInline : afterInline.Where(f => !ignore.Matches(f)).ToList();
        var baseline = _settings.Baseline;
        var kept = baseline is null ? afterIgnore : afterIgnore.Where(f => !baseline.Contains(f)).ToList();
        kept.Sort(Finding.Order);
        long files = _results.Count == 0 ? 0 : Worker.TotalFiles(this), bytes = Worker.TotalBytes(this);
        var skipped = _skipped.OrderBy(s => s.Path, StringComparer.Ordinal).ToList();
        return new ScanOutcome(kept,
            new SuppressionCounts(_filesByPath, inline, afterInline.Count - afterIgnore.Count, afterIgnore.Count - kept.Count),
            stale, skipped, [.. _errors], [.. _warnings], files, bytes, elapsed);
    }

    private long _files, _bytes;

    /// <summary>
    /// "secrethook: 1234 files, 56.7 MiB, 120 MiB/s" on standard error, redrawn every 250 ms once a scan
    /// has run for half a second, and erased when it ends, so it never mixes with the report.
    /// </summary>
    private sealed class ProgressLine : IDisposable
    {
        private readonly ScanPipeline _pipeline;
        private readonly TextWriter _stderr;
        private readonly Stopwatch _clock;
        private readonly Timer _timer;
        private readonly Lock _gate = new();
        private bool _shown;
        private bool _done;

        public ProgressLine(ScanPipeline pipeline, TextWriter stderr, Stopwatch clock)
        {
            _pipeline = pipeline;
            _stderr = stderr;
            _clock = clock;
            _timer = new Timer(_ => Draw(), null, 500, 250);
        }

        private void Draw()
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }
                long files = Interlocked.Read(ref _pipeline._files), bytes = Interlocked.Read(ref _pipeline._bytes);
                double mib = bytes / (1024.0 * 1024);
                double rate = mib / Math.Max(0.001, _clock.Elapsed.TotalSeconds);
                _stderr.Write(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\r\u001b[Ksecrethook: {files} files, {mib:0.0} MiB, {rate:0} MiB/s"));
                _stderr.Flush();
                _shown = true;
            }
        }

        public void Dispose()
        {
            _timer.Dispose();
            lock (_gate)
            {
                _done = true;
                if (_shown)
                {
                    _stderr.Write("\r\u001b[K");
                    _stderr.Flush();
                }
            }
        }
    }

    /// <summary>Reads files into a pooled buffer and runs the detector; one per thread.</summary>
    private sealed class Worker(ScanPipeline owner) : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        private Detector? _detector;
        private DetectorScratch? _scratch;

        public List<Finding> Findings { get; } = [];

        public static long TotalFiles(ScanPipeline p) => Interlocked.Read(ref p._files);

        public static long TotalBytes(ScanPipeline p) => Interlocked.Read(ref p._bytes);

        private Detector Detector => _detector ??= owner._detector.GetAwaiter().GetResult();

        public void Scan(in Chunk chunk)
        {
            _scratch ??= Detector.CreateScratch();
            Interlocked.Increment(ref owner._files);
            Interlocked.Add(ref owner._bytes, chunk.Content.Length);
            Detector.Scan(chunk, _scratch, Findings);
        }

        public void Scan(FileItem file)
        {
            var kind = UnixFile.Stat(file.FullPath, out long size);
            switch (kind)
            {
                case UnixFileKind.Regular:
                    break;
                case UnixFileKind.Missing or UnixFileKind.SymbolicLink or UnixFileKind.Directory:
                    return; // deleted since it was listed, a link (never followed), a submodule
                case UnixFileKind.Unknown:
                    owner.Fail($"{file.DisplayPath}: cannot examine the file");
                    return;
                default:
                    owner.Skip(file.DisplayPath, UnixFile.Describe(kind));
                    return;
            }
            if (size > owner._settings.MaxFileSize)
            {
                owner.Skip(file.DisplayPath, $"larger than {owner._settings.MaxFileSize} bytes ({size} bytes); raise the limit with --max-file-size");
                return;
            }
            int length;
            try
            {
                using SafeFileHandle handle = System.IO.File.OpenHandle(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                long actual = RandomAccess.GetLength(handle);
                long want = Math.Min(actual, owner._settings.MaxFileSize);
                if (_buffer.Length < want)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = ArrayPool<byte>.Shared.Rent((int)want);
                }
                length = 0;
                while (length < want)
                {
                    int n = RandomAccess.Read(handle, _buffer.AsSpan(length, (int)want - length), length);
                    if (n == 0)
                    {
                        break; // the file shrank while we read it
                    }
                    length += n;
                }
                if (actual > owner._settings.MaxFileSize)
                {
                    owner.Skip(file.DisplayPath, $"grew past {owner._settings.MaxFileSize} bytes while it was read; raise the limit with --max-file-size");
                    return;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                owner.Fail($"{file.DisplayPath}: {e.Message}");
                return;
            }
            if (FileContent.IsBinary(_buffer.AsSpan(0, length)))
            {
                owner.Skip(file.DisplayPath, "binary");
                return;
            }
            Interlocked.Increment(ref owner._files);
            Interlocked.Add(ref owner._bytes, length);
            _scratch ??= Detector.CreateScratch();
            if (!FileContent.HasUtf16Bom(_buffer.AsSpan(0, length)))
            {
                Detector.Scan(new Chunk(_buffer.AsMemory(0, length), file.CanonicalPath, DisplayPath: file.DisplayPath), _scratch, Findings);
                return;
            }
            // A byte-order mark: the transcoded text, then the raw bytes for what that missed.
            int before = Findings.Count;
            foreach (var view in FileContent.Views(_buffer, length))
            {
                var found = new List<Finding>();
                Detector.Scan(new Chunk(view, file.CanonicalPath, DisplayPath: file.DisplayPath), _scratch, found);
                var known = Findings.Skip(before).Select(f => (f.RuleId, f.Secret)).ToHashSet();
                Findings.AddRange(found.Where(f => !known.Contains((f.RuleId, f.Secret))));
            }
        }

        public void Dispose()
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
        }
    }
}
