using System.Text;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Tests.Support;
using SecretHook.Core.Detection;

namespace SecretHook.Cli.Tests.Scan;

/// <summary>
/// The pipeline's work queue holds a bounded amount (items and bytes) whatever the input's length, and
/// chunks scanned on worker threads give the findings, in the order, of a scan on one thread.
/// </summary>
public sealed class PipelineQueueTests
{
    [Fact]
    public void The_queue_refuses_work_beyond_its_byte_budget_until_a_worker_is_done()
    {
        var queue = new WorkQueue<int>(maxItems: 100, maxWeight: 1000);
        Assert.True(queue.TryAdd(1, 600));
        Assert.True(queue.TryAdd(2, 400));
        Assert.False(queue.TryAdd(3, 1));
        Assert.Equal(1000, queue.Weight);
        Assert.True(queue.TryTake(out int item, out long weight));
        Assert.Equal((1, 600L), (item, weight));
        // Taken is not done: the bytes are still held by the worker.
        Assert.False(queue.TryAdd(3, 1));
        queue.Done(weight);
        Assert.True(queue.TryAdd(3, 600));
        Assert.Equal(2, queue.InFlight);
    }

    [Fact]
    public void The_queue_refuses_work_beyond_its_item_count()
    {
        var queue = new WorkQueue<int>(maxItems: 3, maxWeight: long.MaxValue);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(queue.TryAdd(i, 0));
        }
        Assert.False(queue.TryAdd(3, 0));
        Assert.True(queue.TryTake(out _, out long w));
        queue.Done(w);
        Assert.True(queue.TryAdd(3, 0));
    }

    [Fact]
    public void An_item_larger_than_the_budget_goes_alone()
    {
        var queue = new WorkQueue<string>(maxItems: 10, maxWeight: 100);
        Assert.True(queue.TryAdd("big", 5000));
        Assert.False(queue.TryAdd("small", 1));
        Assert.True(queue.TryTake(out var big, out long w));
        Assert.Equal("big", big);
        queue.Done(w);
        Assert.True(queue.TryAdd("small", 1));
        Assert.Equal(0, new WorkQueue<int>(1, 0).Weight);
    }

    [Fact]
    public void A_completed_queue_hands_out_what_it_holds_then_ends()
    {
        var queue = new WorkQueue<int>(maxItems: 10, maxWeight: 10);
        queue.Add(7, 1);
        queue.Complete();
        Assert.Throws<InvalidOperationException>(() => queue.Add(8, 1));
        Assert.True(queue.TryTake(out int item, out _));
        Assert.Equal(7, item);
        Assert.False(queue.TryTake(out _, out _));
    }

    /// <summary>
    /// Like the diff parser: one buffer, overwritten after each chunk, with a line map of its own;
    /// every chunk holds a token at a different line, some chunks none.
    /// </summary>
    private sealed class ReusedBufferSource(int chunks) : IScanSource
    {
        public void Run(IScanSink sink)
        {
            var buffer = new byte[4096];
            var lines = new List<int>();
            for (int i = 0; i < chunks; i++)
            {
                Array.Fill(buffer, (byte)'#');
                string text = i % 3 == 2
                    ? "x = 1\n"
                    : $"x = {i}\ntoken = \"{TestSecrets.HuggingFace(i % 50)}\"\n";
                int n = Encoding.UTF8.GetBytes(text, buffer);
                lines.Clear();
                lines.Add(10 + i);
                lines.Add(20 + i);
                var commit = new CommitInfo(new string((char)('a' + (i % 6)), 40), $"change {i}");
                // Every fifth chunk has the same path as the one before: ties broken by the order produced.
                sink.Content(new Chunk(buffer.AsMemory(0, n), $"src/f{i - (i % 5 == 4 ? 1 : 0):D4}.py", 1, lines, commit, null));
            }
        }
    }

    private static ScanOutcome Run(int chunks, string threads)
    {
        using var dir = new TempDir();
        var env = new CliEnvironment(Stream.Null, Stream.Null, TextWriter.Null, dir.Path, _ => null);
        var settings = SettingsBuilder.Build(new RawOptions { Threads = threads }, InputKind.None, env);
        return ScanPipeline.Execute(settings, new ReusedBufferSource(chunks));
    }

    [Fact]
    public void Chunks_scanned_by_workers_give_the_findings_of_one_thread_in_the_same_order()
    {
        var serial = Run(600, "1");
        var parallel = Run(600, "4");
        Assert.Equal(400, serial.Findings.Count);
        Assert.Equal(600, parallel.Files);
        Assert.Equal(serial.Bytes, parallel.Bytes);
        Assert.Equal(
            serial.Findings.Select(f => (f.File, f.Line, f.RuleId, f.Commit?.Sha, f.Secret, f.Fingerprint)),
            parallel.Findings.Select(f => (f.File, f.Line, f.RuleId, f.Commit?.Sha, f.Secret, f.Fingerprint)));
        var first = parallel.Findings.First(f => f.File == "src/f0000.py");
        Assert.Equal(20, first.Line);
    }

    [Fact]
    public void A_single_chunk_is_scanned_like_many()
    {
        var one = Run(1, "4");
        Assert.Equal(1, one.Files);
        Assert.Equal(20, Assert.Single(one.Findings).Line);
        Assert.Empty(Run(0, "4").Findings);
    }

    private sealed class FailingAfterChunks : IScanSource
    {
        public void Run(IScanSink sink)
        {
            var text = Encoding.UTF8.GetBytes($"token = \"{TestSecrets.HuggingFace(1)}\"\n");
            for (int i = 0; i < 50; i++)
            {
                sink.Content(new Chunk(text, $"f{i}.py"));
            }
            throw new GitException("git log failed (exit 128): cut off");
        }
    }

    [Fact]
    public void A_source_that_fails_midway_fails_the_run_with_its_error()
    {
        using var dir = new TempDir();
        var env = new CliEnvironment(Stream.Null, Stream.Null, TextWriter.Null, dir.Path, _ => null);
        var settings = SettingsBuilder.Build(new RawOptions { Threads = "4" }, InputKind.None, env);
        var e = Assert.Throws<GitException>(() => ScanPipeline.Execute(settings, new FailingAfterChunks()));
        Assert.Contains("cut off", e.Message, StringComparison.Ordinal);
    }
}
