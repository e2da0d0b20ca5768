using System.Buffers;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Trust;

/// <summary>
/// <see cref="UnixFile.Read"/>, the tree scan's reader: whatever the size the stat reported (the file
/// may have grown or shrunk since), it reads the whole file up to the limit, says when the limit cut it,
/// never follows a final symbolic link and never blocks on a FIFO.
/// </summary>
public sealed class UnixFileReadTests
{
    private static (FileRead Outcome, byte[] Bytes, string? Error) Read(string path, long expectedSize, long max)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16);
        var outcome = UnixFile.Read(path, expectedSize, max, ref buffer, out int length, out string? error);
        var bytes = buffer.AsSpan(0, length).ToArray();
        ArrayPool<byte>.Shared.Return(buffer);
        return (outcome, bytes, error);
    }

    [Theory]
    [InlineData(0, 0)]         // empty
    [InlineData(100_000, 100_000)] // as the stat said, larger than the first buffer
    [InlineData(100_000, 10)]  // grew since the stat: read on
    [InlineData(100_000, 500_000)] // shrank since the stat: read to the end
    [InlineData(1, 0)]
    public void Reads_the_whole_file_whatever_the_stat_said(int size, long expectedSize)
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "f");
        var content = new byte[size];
        new Random(size).NextBytes(content);
        File.WriteAllBytes(path, content);

        var (outcome, bytes, error) = Read(path, expectedSize, 1 << 20);

        Assert.Equal((FileRead.Read, (string?)null), (outcome, error));
        Assert.Equal(content, bytes);
    }

    [Theory]
    [InlineData(5000, 4999)]
    [InlineData(5000, 10)]
    public void A_file_over_the_limit_is_cut_at_the_limit_and_said_to_have_grown(int size, long expectedSize)
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "f");
        File.WriteAllBytes(path, Enumerable.Repeat((byte)'a', size).ToArray());

        var (outcome, bytes, _) = Read(path, expectedSize, 4999);

        Assert.Equal(FileRead.Grew, outcome);
        Assert.Equal(4999, bytes.Length);
    }

    [Fact]
    public void A_symbolic_link_is_not_followed_and_a_missing_file_has_vanished()
    {
        using var dir = new TempDir();
        string target = Path.Combine(dir.Path, "target");
        File.WriteAllText(target, "secret");
        string link = Path.Combine(dir.Path, "link");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(FileRead.Vanished, Read(link, 6, 1000).Outcome);
        Assert.Equal(FileRead.Vanished, Read(Path.Combine(dir.Path, "gone"), 6, 1000).Outcome);
    }

    [Fact]
    public async Task A_fifo_swapped_in_after_the_stat_does_not_block()
    {
        using var dir = new TempDir();
        string fifo = Path.Combine(dir.Path, "fifo");
        Assert.True(ProcessRunner.Run("mkfifo", [fifo], dir.Path) is { ExitCode: 0 }, "mkfifo failed");

        var read = Task.Run(() => Read(fifo, 10, 1000));
        var (outcome, bytes, _) = await read.WaitAsync(TimeSpan.FromSeconds(10)); // throws TimeoutException if it blocked

        Assert.NotEqual(FileRead.Grew, outcome);
        Assert.Empty(bytes);
    }
}
