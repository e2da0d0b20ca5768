using System.Text;
using SecretHook.Cli.GitIntegration;
using SecretHook.Core.Detection;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>
/// git's output reader is bounded: one enormous line neither grows memory without limit nor crashes;
/// the parser turns an over-long added line into a truncated file (fail closed) and an over-long
/// header into an error, and output that ends inside a hunk or a line is an error too.
/// </summary>
public sealed class LineLimitTests
{
    /// <summary>A stream of <c>prefix</c>, then <c>count</c> bytes of <c>x</c>, then <c>suffix</c>, made up as it is read.</summary>
    private sealed class Generated(string prefix, long count, string suffix) : Stream
    {
        private readonly byte[] _prefix = Encoding.ASCII.GetBytes(prefix);
        private readonly byte[] _suffix = Encoding.ASCII.GetBytes(suffix);
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int length)
        {
            int n = 0;
            while (n < length)
            {
                long p = _position;
                if (p < _prefix.Length)
                {
                    buffer[offset + n] = _prefix[p];
                }
                else if (p < _prefix.Length + count)
                {
                    int run = (int)Math.Min(length - n, _prefix.Length + count - p);
                    buffer.AsSpan(offset + n, run).Fill((byte)'x');
                    n += run;
                    _position += run;
                    continue;
                }
                else if (p < _prefix.Length + count + _suffix.Length)
                {
                    buffer[offset + n] = _suffix[p - _prefix.Length - count];
                }
                else
                {
                    break;
                }
                n++;
                _position++;
            }
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class Recorder : IDiffSink
    {
        public List<(string Path, bool Truncated, long AddedBytes, string Head)> Files { get; } = [];

        public void OnCommit(CommitInfo commit)
        {
        }

        public void OnFile(in DiffFile file) =>
            Files.Add((file.Path, file.Truncated, file.AddedBytes, Encoding.ASCII.GetString(file.Added.Span[..Math.Min(file.Added.Length, 10)])));
    }

    [Fact]
    public void A_200_MB_line_is_cut_at_the_limit_in_bounded_memory_and_the_next_line_is_read()
    {
        var reader = new ByteLineReader(new Generated("first\n", 200L << 20, "\nnext\n"), maxLineLength: 1 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.True(reader.TryReadLine(out var first));
        Assert.Equal("first", Encoding.ASCII.GetString(first));
        Assert.True(reader.TryReadLine(out var huge));
        Assert.True(reader.LineTooLong);
        Assert.Equal(1 << 20, huge.Length);
        Assert.True(reader.TryReadLine(out var next));
        Assert.False(reader.LineTooLong);
        Assert.Equal("next", Encoding.ASCII.GetString(next));
        Assert.False(reader.TryReadLine(out _));
        Assert.False(reader.EndedWithoutNewline);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 8L << 20);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void Lines_at_and_around_the_limit(int max)
    {
        string text = string.Join("\n", Enumerable.Range(0, 200).Select(i => new string((char)('a' + (i % 26)), i % (2 * max + 3)))) + "\n";
        var reader = new ByteLineReader(new MemoryStream(Encoding.ASCII.GetBytes(text)), max, initialSize: 3);
        var expected = text.Split('\n')[..^1];

        foreach (var line in expected)
        {
            Assert.True(reader.TryReadLine(out var got));
            Assert.Equal(line.Length > max, reader.LineTooLong);
            Assert.Equal(line[..Math.Min(line.Length, max)], Encoding.ASCII.GetString(got));
        }
        Assert.False(reader.TryReadLine(out _));
    }

    [Fact]
    public void A_last_line_without_newline_is_flagged()
    {
        var reader = new ByteLineReader(new MemoryStream("a\nb"u8.ToArray()));
        Assert.True(reader.TryReadLine(out _));
        Assert.False(reader.EndedWithoutNewline);
        Assert.True(reader.TryReadLine(out var b));
        Assert.Equal("b", Encoding.ASCII.GetString(b));
        Assert.True(reader.EndedWithoutNewline);
    }

    private static List<(string Path, bool Truncated, long AddedBytes, string Head)> ParseGenerated(string prefix, long count, string suffix, long max)
    {
        var recorder = new Recorder();
        var parser = new DiffParser(recorder, max);
        var reader = new ByteLineReader(new Generated(prefix, count, suffix), GitSources.MaxLineLength(max));
        while (reader.TryReadLine(out var line))
        {
            parser.Feed(line, reader.LineTooLong);
        }
        parser.Finish();
        return recorder.Files;
    }

    [Fact]
    public void An_added_line_longer_than_the_reader_takes_makes_its_file_truncated()
    {
        var files = ParseGenerated("diff --git a/big b/big\n--- a/big\n+++ b/big\n@@ -0,0 +1,2 @@\n+", 50L << 20,
            "\n+after\ndiff --git a/ok b/ok\n--- a/ok\n+++ b/ok\n@@ -0,0 +1 @@\n+fine\n", max: 1 << 20);

        Assert.Equal(2, files.Count);
        Assert.Equal(("big", true), (files[0].Path, files[0].Truncated));
        Assert.Equal(("ok", false, "fine\n"), (files[1].Path, files[1].Truncated, files[1].Head));
    }

    [Fact]
    public void A_header_line_longer_than_the_reader_takes_is_an_error()
    {
        Assert.Throws<GitException>(() => ParseGenerated("diff --git a/", 10L << 20, " b/x\n", max: 1000));
    }

    [Fact]
    public void Output_ending_inside_a_hunk_is_an_error()
    {
        var e = Assert.Throws<GitException>(() => ParseGenerated("diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+one", 0, "\n", max: 1000));
        Assert.Contains("cut off", e.Message);
    }
}
