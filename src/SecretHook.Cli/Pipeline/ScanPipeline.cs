using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
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
/// The one pipeline every scanning command runs: a source feeds files and chunks; workers read and
/// scan files, and scan chunks (copied, since a chunk's memory is the source's), while the source
/// goes on producing — for a history scan, git's output is parsed on the source's thread while the
/// other threads run the detector. Work waits in one <see cref="WorkQueue{T}"/> bounded by count and
/// by the bytes it holds, so memory does not grow with the input; only findings are kept. The path
/// allowlist keeps files out before they are read; findings are then filtered — inline allow markers,
/// the ignore file, the baseline, in that order — and sorted once, from the order the source produced
/// them (chunk findings are numbered by their chunk), so the report does not depend on which worker
/// ran first. Workers, counters and filtering live here and nowhere else.
/// </summary>
public sealed class ScanPipeline : IScanSink
{
    /// <summary>Most items in flight (queued or being scanned).</summary>
    internal const int MaxQueuedItems = 4096;

    /// <summary>
    /// Most bytes of chunk copies in flight (one larger chunk is let in alone). Detection is far slower
    /// than parsing, so a megabyte keeps every worker busy; more would only hold memory.
    /// </summary>
    internal const long MaxQueuedBytes = 1024 * 1024;

    /// <summary>Chunk copies larger than this are not kept for reuse.</summary>
    private const int MaxPooledCopyBytes = 256 * 1024;

    /// <summary>Most bytes held by chunk copies kept for reuse.</summary>
    private const long MaxPooledBytes = 2L * 1024 * 1024;

    private readonly ScanSettings _settings;
    private readonly BackgroundThread<Detector> _detector;
    private readonly ConcurrentQueue<SkippedFile> _skipped = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly List<string> _warnings = [];
    private readonly Worker _inline;
    private readonly List<Worker> _workers = [];
    private readonly List<Thread> _threads = [];
    private readonly Stack<ChunkCopy> _spare = new();
    private readonly Lock _spareGate = new();
    private long _spareBytes;
    private WorkQueue<Work>? _queue;
    private ChunkCopy? _pending;
    private List<FileItem>? _fileBatch;
    private long _chunks;
    private ExceptionDispatchInfo? _failure;
    private volatile bool _abandoned;
    private int _filesByPath;

    private ScanPipeline(ScanSettings settings)
    {
        _settings = settings;
        // Building the automaton takes milliseconds; overlap it with the source's start (git's process).
        _detector = new BackgroundThread<Detector>("detector", () => new Detector(settings.Rules, settings.InlineMarkers) { DecodeDepth = settings.DecodeDepth });
        _inline = new Worker(this);
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
            bool finished = false;
            try
            {
                source.Run(pipeline);
                finished = true;
            }
            finally
            {
                // A source that failed ends the run: what is still queued need not be scanned.
                pipeline.Drain(abandon: !finished);
            }
        }
        pipeline.ThrowIfWorkerFailed();
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
        ThrowIfWorkerFailed();
        if (_settings.Threads <= 1)
        {
            _inline.Scan(file);
            return;
        }
        // Files go to the workers in batches: one hand-over (and at most one wake-up) per 32 files
        // instead of per file (futex calls on the kernel tree: 94k -> 311).
        (_fileBatch ??= new List<FileItem>(FileBatch)).Add(file);
        if (_fileBatch.Count == FileBatch)
        {
            Queue(_settings.Threads).Add(new Work(_fileBatch, null), 0);
            _fileBatch = null;
        }
    }

    /// <summary>How many files a worker takes at once.</summary>
    private const int FileBatch = 32;

    /// <inheritdoc />
    /// <remarks>
    /// The chunk is copied and scanned by a worker while the source goes on. The first one waits, so
    /// that a source of a single chunk (the index of a one-file commit, standard input) starts no
    /// thread: it is scanned on this thread when the source ends.
    /// </remarks>
    public void Content(in Chunk chunk)
    {
        if (AllowedByPath(chunk.Path))
        {
            return;
        }
        ThrowIfWorkerFailed();
        if (_settings.Threads <= 1)
        {
            _inline.Scan(chunk, _inline.Findings);
            return;
        }
        var copy = Copy(chunk, _chunks++);
        if (_queue is null && _pending is null)
        {
            _pending = copy;
            return;
        }
        // Detection is CPU work: more threads than cores would only take turns.
        var queue = Queue(Math.Min(_settings.Threads, Environment.ProcessorCount));
        queue.Add(new Work(null, copy), copy.Weight);
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

    /// <summary>The work queue, with <paramref name="threads"/> workers started on first use (a chunk held back goes first).</summary>
    private WorkQueue<Work> Queue(int threads)
    {
        if (_queue is not null)
        {
            return _queue;
        }
        var queue = new WorkQueue<Work>(MaxQueuedItems, MaxQueuedBytes);
        for (int i = 0; i < Math.Max(1, threads); i++)
        {
            var worker = new Worker(this);
            _workers.Add(worker);
            var thread = new Thread(() => RunWorker(queue, worker)) { IsBackground = true, Name = "secrethook-worker" };
            _threads.Add(thread);
            thread.Start();
        }
        _queue = queue;
        if (_pending is { } first)
        {
            _pending = null;
            queue.Add(new Work(null, first), first.Weight);
        }
        return queue;
    }

    /// <summary>A worker thread: scans what it takes until the queue ends; after a failure it only empties the queue.</summary>
    private void RunWorker(WorkQueue<Work> queue, Worker worker)
    {
        try
        {
            while (queue.TryTake(out var work, out long weight))
            {
                try
                {
                    if (!_abandoned && Volatile.Read(ref _failure) is null)
                    {
                        if (work.Files is { } files)
                        {
                            foreach (var file in files)
                            {
                                if (_abandoned || Volatile.Read(ref _failure) is not null)
                                {
                                    break;
                                }
                                worker.Scan(file);
                            }
                        }
                        else
                        {
                            worker.Scan(work.Chunk!);
                        }
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
                }
                finally
                {
                    if (work.Chunk is { } copy)
                    {
                        Recycle(copy);
                    }
                    queue.Done(weight);
                }
            }
        }
        finally
        {
            worker.Dispose();
        }
    }

    /// <summary>Rethrows, on the caller's thread, the first exception a worker hit.</summary>
    private void ThrowIfWorkerFailed() => Volatile.Read(ref _failure)?.Throw();

    private ChunkCopy Copy(in Chunk chunk, long sequence)
    {
        ChunkCopy? copy = null;
        lock (_spareGate)
        {
            if (_spare.TryPop(out copy))
            {
                _spareBytes -= copy.Capacity;
            }
        }
        copy ??= new ChunkCopy();
        copy.Fill(chunk, sequence);
        return copy;
    }

    private void Recycle(ChunkCopy copy)
    {
        copy.Clear();
        if (copy.Capacity > MaxPooledCopyBytes)
        {
            return;
        }
        lock (_spareGate)
        {
            if (_spareBytes + copy.Capacity <= MaxPooledBytes)
            {
                _spare.Push(copy);
                _spareBytes += copy.Capacity;
            }
        }
    }

    private void Drain(bool abandon)
    {
        if (abandon)
        {
            _abandoned = true;
        }
        if (_pending is { } last)
        {
            // The source's only chunk: scan it here, where no thread needs starting.
            _pending = null;
            if (!abandon)
            {
                _inline.Scan(last, last.Sequence);
            }
        }
        if (_fileBatch is { } files)
        {
            // The last files (fewer than a batch): one by one, so that every worker takes some, and on
            // this thread when a single file is all there is (no thread is started for it).
            _fileBatch = null;
            if (!abandon)
            {
                if (_queue is null && files.Count == 1)
                {
                    _inline.Scan(files[0]);
                }
                else
                {
                    var queue = Queue(_settings.Threads);
                    files.ForEach(f => queue.Add(new Work([f], null), 0));
                }
            }
        }
        if (_queue is not null)
        {
            _queue.Complete();
            foreach (var t in _threads)
            {
                t.Join();
            }
        }
        _inline.Dispose();
    }

    private ScanOutcome Outcome(TimeSpan elapsed)
    {
        // The order the source produced: chunk findings by chunk, then files' findings.
        var all = new List<Finding>(_inline.Findings);
        var byChunk = _inline.ChunkFindings.Concat(_workers.SelectMany(w => w.ChunkFindings)).ToList();
        byChunk.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        foreach (var (_, found) in byChunk)
        {
            all.AddRange(found);
        }
        foreach (var w in _workers)
        {
            all.AddRange(w.Findings);
        }
        var afterInline = all.Where(f => !f.InlineAllowed).ToList();
        int inline = all.Count - afterInline.Count;
        var ignore = _settings.Ignore;
        var stale = ignore?.Stale(afterInline) ?? [];
        var afterIgnore = ignore is null ? afterInline : afterInline.Where(f => !ignore.Matches(f)).ToList();
        var baseline = _settings.Baseline;
        var kept = baseline is null ? afterIgnore : afterIgnore.Where(f => !baseline.Contains(f)).ToList();
        kept.Sort(Finding.Order);
        long files = Worker.TotalFiles(this), bytes = Worker.TotalBytes(this);
        var skipped = _skipped.OrderBy(s => s.Path, StringComparer.Ordinal).ToList();
        return new ScanOutcome(kept,
            new SuppressionCounts(_filesByPath, inline, afterInline.Count - afterIgnore.Count, afterIgnore.Count - kept.Count),
            stale, skipped, [.. _errors], [.. _warnings], files, bytes, elapsed);
    }

    /// <summary>A file to read or a chunk copy to scan.</summary>
    private readonly record struct Work(List<FileItem>? Files, ChunkCopy? Chunk);

    /// <summary>
    /// A chunk copied out of the source's buffers (bytes and line map), numbered in the order the source
    /// produced it; reused once scanned. It is its own line map, so scanning it allocates nothing.
    /// </summary>
    private sealed class ChunkCopy : IReadOnlyList<int>
    {
        private byte[] _bytes = [];
        private int _length;
        private int[] _lines = [];
        private int _lineCount;
        private bool _hasLines;
        private string _path = "";
        private int _firstLine;
        private CommitInfo? _commit;
        private string? _displayPath;

        public long Sequence { get; private set; }

        /// <summary>The bytes this copy holds for the queue's budget (with its own object's).</summary>
        public long Weight => 64 + _length + (4L * _lineCount);

        /// <summary>The bytes its buffers take.</summary>
        public long Capacity => _bytes.Length + (4L * _lines.Length);

        public int Count => _lineCount;

        public int this[int index] => (uint)index < (uint)_lineCount ? _lines[index] : throw new ArgumentOutOfRangeException(nameof(index));

        public void Fill(in Chunk chunk, long sequence)
        {
            Sequence = sequence;
            var content = chunk.Content.Span;
            if (_bytes.Length < content.Length)
            {
                _bytes = new byte[Math.Max(content.Length, Math.Min(2 * _bytes.Length, Array.MaxLength))];
            }
            content.CopyTo(_bytes);
            _length = content.Length;
            _hasLines = chunk.LineNumbers is not null;
            _lineCount = 0;
            if (chunk.LineNumbers is { } map)
            {
                if (_lines.Length < map.Count)
                {
                    _lines = new int[Math.Max(map.Count, Math.Min(2 * _lines.Length, Array.MaxLength))];
                }
                if (map is List<int> list)
                {
                    CollectionsMarshal.AsSpan(list).CopyTo(_lines);
                }
                else
                {
                    for (int i = 0; i < map.Count; i++)
                    {
                        _lines[i] = map[i];
                    }
                }
                _lineCount = map.Count;
            }
            _path = chunk.Path;
            _firstLine = chunk.FirstLine;
            _commit = chunk.Commit;
            _displayPath = chunk.DisplayPath;
        }

        public Chunk AsChunk() =>
            new(_bytes.AsMemory(0, _length), _path, _firstLine, _hasLines ? this : null, _commit, _displayPath);

        /// <summary>Drops the references (paths, commit), keeps the buffers.</summary>
        public void Clear()
        {
            _length = 0;
            _lineCount = 0;
            _path = "";
            _commit = null;
            _displayPath = null;
        }

        public IEnumerator<int> GetEnumerator()
        {
            for (int i = 0; i < _lineCount; i++)
            {
                yield return _lines[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
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
        private readonly List<Finding> _found = [];

        /// <summary>Findings in files.</summary>
        public List<Finding> Findings { get; } = [];

        /// <summary>Findings in chunks, with the number of the chunk they are in.</summary>
        public List<(long Sequence, Finding[] Found)> ChunkFindings { get; } = [];

        public static long TotalFiles(ScanPipeline p) => Interlocked.Read(ref p._files);

        public static long TotalBytes(ScanPipeline p) => Interlocked.Read(ref p._bytes);

        private Detector Detector => _detector ??= owner._detector.Result();

        public void Scan(in Chunk chunk, List<Finding> output)
        {
            _scratch ??= Detector.CreateScratch();
            Interlocked.Increment(ref owner._files);
            Interlocked.Add(ref owner._bytes, chunk.Content.Length);
            Detector.Scan(chunk, _scratch, output);
        }

        /// <summary>Scans a chunk copy; its findings are kept under its number.</summary>
        public void Scan(ChunkCopy copy) => Scan(copy, copy.Sequence);

        public void Scan(ChunkCopy copy, long sequence)
        {
            _found.Clear();
            Scan(copy.AsChunk(), _found);
            if (_found.Count > 0)
            {
                ChunkFindings.Add((sequence, [.. _found]));
            }
        }

        public void Scan(FileItem file)
        {
            long max = owner._settings.MaxFileSize;
            int length = 0;
            string? error = null;
            UnixFileKind kind;
            long size;
            FileRead read;
            if (file.ListedRegular)
            {
                // One path walk: open, then the type and size of the open file.
                read = UnixFile.ReadListed(file.FullPath, max, ref _buffer, out length, out error, out kind, out size);
            }
            else
            {
                // The type first, so that nothing but a regular file is ever opened (a device's open can act).
                kind = UnixFile.Stat(file.FullPath, out size);
                read = kind != UnixFileKind.Regular ? FileRead.NotRegular
                    : size > max ? FileRead.TooLarge
                    : UnixFile.Read(file.FullPath, size, max, ref _buffer, out length, out error);
            }
            switch (read)
            {
                case FileRead.NotRegular when kind is UnixFileKind.Missing or UnixFileKind.SymbolicLink or UnixFileKind.Directory:
                    return; // deleted since it was listed, a link (never followed), a submodule
                case FileRead.NotRegular when kind is UnixFileKind.Unknown:
                    owner.Fail($"{file.DisplayPath}: cannot examine the file");
                    return;
                case FileRead.NotRegular:
                    owner.Skip(file.DisplayPath, UnixFile.Describe(kind));
                    return;
                case FileRead.TooLarge:
                    owner.Skip(file.DisplayPath, $"larger than {max} bytes ({size} bytes); raise the limit with --max-file-size");
                    return;
                case FileRead.Vanished:
                    return;
                case FileRead.Grew:
                    owner.Skip(file.DisplayPath, $"grew past {max} bytes while it was read; raise the limit with --max-file-size");
                    return;
                case FileRead.Failed:
                    owner.Fail($"{file.DisplayPath}: {error}");
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
