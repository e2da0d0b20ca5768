using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Win32.SafeHandles;
using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.Sources;

/// <summary>The result of scanning files: findings, skipped files, counts and the files that failed.</summary>
public sealed record FileScanResult(List<Finding> Findings, List<SkippedFile> Skipped, long Files, long Bytes, List<string> Errors);

/// <summary>
/// Reads files in parallel into pooled buffers and runs the detector over each. Files larger than the
/// limit and binary files (a NUL byte in the first 8000 bytes, git's own test) are skipped and
/// reported as such; UTF-16 files with a byte-order mark are transcoded to UTF-8 first. A file that
/// cannot be read is an error, collected so the scan can finish and still fail.
/// </summary>
public sealed class FileScanner(Detector detector, long maxFileSize, int threads)
{
    /// <summary>How many leading bytes are checked for NUL (git's heuristic uses the same 8000).</summary>
    public const int BinarySniffLength = 8000;

    /// <summary>Scans <paramref name="files"/>.</summary>
    public FileScanResult Scan(IEnumerable<FileEntry> files)
    {
        var findings = new ConcurrentBag<List<Finding>>();
        var skipped = new ConcurrentBag<SkippedFile>();
        var errors = new ConcurrentBag<string>();
        long fileCount = 0, byteCount = 0;
        // Workers pull files from the (possibly still walking) enumeration in chunks, so listing a large
        // tree overlaps with reading and scanning it.
        Parallel.ForEach(
            files,
            new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new Worker(detector.CreateScratch()),
            (file, _, worker) =>
            {
                worker.ScanFile(file, detector, maxFileSize, skipped, errors);
                return worker;
            },
            worker =>
            {
                findings.Add(worker.Findings);
                Interlocked.Add(ref fileCount, worker.Files);
                Interlocked.Add(ref byteCount, worker.Bytes);
                worker.Dispose();
            });
        return new FileScanResult([.. findings.SelectMany(f => f)], [.. skipped], fileCount, byteCount,
            [.. errors.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Scans one in-memory input (stdin) as a single chunk.</summary>
    public FileScanResult ScanBytes(byte[] data, string displayPath)
    {
        var result = new FileScanResult([], [], 1, data.Length, []);
        if (IsBinary(data))
        {
            result.Skipped.Add(new SkippedFile(displayPath, "binary"));
            return result;
        }
        detector.Scan(new Chunk(ToUtf8(data, data.Length), displayPath), detector.CreateScratch(), result.Findings);
        return result;
    }

    internal static bool IsBinary(ReadOnlySpan<byte> data) =>
        !HasUtf16Bom(data) && data[..Math.Min(data.Length, BinarySniffLength)].Contains((byte)0);

    private static bool HasUtf16Bom(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF));

    /// <summary>The bytes as UTF-8: unchanged unless they start with a UTF-16 byte-order mark.</summary>
    internal static ReadOnlyMemory<byte> ToUtf8(byte[] data, int length)
    {
        var span = data.AsSpan(0, length);
        if (!HasUtf16Bom(span))
        {
            return data.AsMemory(0, length);
        }
        var encoding = span[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
        return Encoding.UTF8.GetBytes(encoding.GetString(span[2..]));
    }

    private sealed class Worker(DetectorScratch scratch) : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);

        public List<Finding> Findings { get; } = [];
        public long Files { get; private set; }
        public long Bytes { get; private set; }

        public void ScanFile(FileEntry file, Detector detector, long maxFileSize,
            ConcurrentBag<SkippedFile> skipped, ConcurrentBag<string> errors)
        {
            int length;
            try
            {
                using SafeFileHandle handle = File.OpenHandle(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                long size = RandomAccess.GetLength(handle);
                if (size > maxFileSize)
                {
                    skipped.Add(new SkippedFile(file.DisplayPath, $"larger than {maxFileSize} bytes ({size} bytes)"));
                    return;
                }
                if (_buffer.Length < size)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = ArrayPool<byte>.Shared.Rent((int)size);
                }
                length = 0;
                while (length < size)
                {
                    int n = RandomAccess.Read(handle, _buffer.AsSpan(length, (int)size - length), length);
                    if (n == 0)
                    {
                        break; // the file shrank while we read it
                    }
                    length += n;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{file.DisplayPath}: {e.Message}");
                return;
            }
            Files++;
            Bytes += length;
            if (IsBinary(_buffer.AsSpan(0, length)))
            {
                skipped.Add(new SkippedFile(file.DisplayPath, "binary"));
                return;
            }
            detector.Scan(new Chunk(ToUtf8(_buffer, length), file.DisplayPath), scratch, Findings);
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
    }
}
