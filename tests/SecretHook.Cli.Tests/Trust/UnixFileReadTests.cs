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
    /// <summary>A file named <c>f</c> in <paramref name="dir"/> of <paramref name="size"/> seeded random bytes.</summary>
    private static (string Path, byte[] Content) RandomFile(TempDir dir, int size)
    {
        string path = Path.Combine(dir.Path, "f");
        var content = new byte[size];
        new Random(size).NextBytes(content);
        File.WriteAllBytes(path, content);
        return (path, content);
    }

    private static (FileRead Outcome, byte[] Bytes, string? Error) Read(string path, long expectedSize, long max)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16);
        var outcome = UnixFile.Read(path, expectedSize, max, ref buffer, out int length, out string? error);
        var bytes = buffer.AsSpan(0, length).ToArray();
        ArrayPool<byte>.Shared.Return(buffer);
        return (outcome, bytes, error);
    }

    [Theory]
    [InlineData(64 << 10, 100_000, 10 << 20, 128 << 10)]             // doubling
    [InlineData(512 << 10, 600_000, 10 << 20, 1 << 20)]              // doubling, up to 1 MiB
    [InlineData(1 << 20, 1_500_000, 10 << 20, (10 << 20) + 1)]       // past 1 MiB: the limit, once
    [InlineData(64 << 10, 3_000_000, 10 << 20, (10 << 20) + 1)]
    [InlineData(1 << 20, 1_500_000, 100 << 20, 2 << 20)]             // a limit over 16 MiB: doubling
    [InlineData(1 << 20, 20_000_000, 100 << 20, 20_000_000)]         // never less than wanted
    public void A_read_buffer_doubles_and_past_1_MiB_grows_once_to_the_limit(int current, long want, long max, int expected)
    {
        Assert.Equal(expected, UnixFile.GrownLength(current, want, max));
    }

    [Theory]
    [InlineData(3_000_000, 3_000_000)]
    [InlineData(3_000_000, 1_500_000)] // grew since the stat: read on, in the same buffer
    [InlineData(9_000_000, 100)]
    public void Large_files_are_read_whole_into_one_buffer_of_the_limit(int size, long expectedSize)
    {
        using var dir = new TempDir();
        var (path, content) = RandomFile(dir, size);
        const long max = 10 << 20;
        var buffer = ArrayPool<byte>.Shared.Rent(64 << 10);

        var outcome = UnixFile.Read(path, expectedSize, max, ref buffer, out int length, out string? error);

        Assert.Equal((FileRead.Read, (string?)null), (outcome, error));
        Assert.Equal(content, buffer.AsSpan(0, length).ToArray());
        Assert.True(buffer.Length > max, $"a {buffer.Length}-byte buffer");
        ArrayPool<byte>.Shared.Return(buffer);
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
        var (path, content) = RandomFile(dir, size);

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

    private static (FileRead Outcome, byte[] Bytes, UnixFileKind Kind, long Size) ReadListed(string path, long max)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16);
        var outcome = UnixFile.ReadListed(path, max, ref buffer, out int length, out _, out var kind, out long size);
        var bytes = buffer.AsSpan(0, length).ToArray();
        ArrayPool<byte>.Shared.Return(buffer);
        return (outcome, bytes, kind, size);
    }

    [Fact]
    public async Task A_listed_file_is_read_and_typed_from_the_open_file()
    {
        // What a walk lists as a regular file may have become anything since: each is told apart on
        // the open descriptor (a socket, which cannot be opened, by its stat), a FIFO without
        // blocking, a link and a missing file as vanished.
        using var dir = new TempDir();
        var content = new byte[70_000];
        new Random(3).NextBytes(content);
        File.WriteAllBytes(Path.Combine(dir.Path, "f"), content);
        File.CreateSymbolicLink(Path.Combine(dir.Path, "link"), Path.Combine(dir.Path, "f"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "d"));
        Assert.True(ProcessRunner.Run("mkfifo", ["fifo"], dir.Path) is { ExitCode: 0 }, "mkfifo failed");

        var file = ReadListed(Path.Combine(dir.Path, "f"), 1 << 20);
        Assert.Equal((FileRead.Read, UnixFileKind.Regular, 70_000L), (file.Outcome, file.Kind, file.Size));
        Assert.Equal(content, file.Bytes);
        var large = ReadListed(Path.Combine(dir.Path, "f"), 69_999);
        Assert.Equal((FileRead.TooLarge, 70_000L), (large.Outcome, large.Size));
        Assert.Empty(large.Bytes);
        Assert.Equal(FileRead.Vanished, ReadListed(Path.Combine(dir.Path, "link"), 1000).Outcome);
        Assert.Equal(FileRead.Vanished, ReadListed(Path.Combine(dir.Path, "gone"), 1000).Outcome);
        Assert.Equal((FileRead.NotRegular, UnixFileKind.Directory), ReadListed(Path.Combine(dir.Path, "d"), 1000) is var d ? (d.Outcome, d.Kind) : default);
        var fifo = await Task.Run(() => ReadListed(Path.Combine(dir.Path, "fifo"), 1000)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((FileRead.NotRegular, UnixFileKind.Fifo), (fifo.Outcome, fifo.Kind));
        // A socket: open(2) refuses it (ENXIO), and it is told apart rather than failing the scan.
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(dir.Path, "sock")));
            Assert.Equal((FileRead.NotRegular, UnixFileKind.Socket), ReadListed(Path.Combine(dir.Path, "sock"), 1000) is var k ? (k.Outcome, k.Kind) : default);
        }
    }

    [Fact]
    public void A_directory_lists_every_entry_with_the_type_it_records()
    {
        // 3,000 entries with long names fill several getdents64 buffers; odd names and every kind.
        using var dir = new TempDir();
        var expected = new Dictionary<string, DirectoryEntryType>();
        for (int i = 0; i < 3000; i++)
        {
            string name = $"file-{i:D5}-{new string('x', 40)}";
            File.WriteAllText(Path.Combine(dir.Path, name), "");
            expected[name] = DirectoryEntryType.Regular;
        }
        foreach (string name in new[] { "with space", "été \u2603", "new\nline", ".hidden" })
        {
            File.WriteAllText(Path.Combine(dir.Path, name), "x");
            expected[name] = DirectoryEntryType.Regular;
        }
        Directory.CreateDirectory(Path.Combine(dir.Path, "sub"));
        expected["sub"] = DirectoryEntryType.Directory;
        File.CreateSymbolicLink(Path.Combine(dir.Path, "to-file"), Path.Combine(dir.Path, "with space"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "to-dir"), Path.Combine(dir.Path, "sub"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "broken"), Path.Combine(dir.Path, "nothing"));
        expected["to-file"] = expected["to-dir"] = expected["broken"] = DirectoryEntryType.SymbolicLink;
        Assert.True(ProcessRunner.Run("mkfifo", ["fifo"], dir.Path) is { ExitCode: 0 }, "mkfifo failed");
        expected["fifo"] = DirectoryEntryType.Other;

        var entries = new List<(string Name, DirectoryEntryType Type)>();
        Assert.Equal(FileRead.Read, UnixFile.ReadDirectory(dir.Path, followLink: false, entries, out string? error));

        Assert.Null(error);
        // tmpfs and ext4 record every type; a file system that records none would say Unknown.
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), entries.Select(e => KeyValuePair.Create(e.Name, e.Type)).OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.Equal(Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal), entries.Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_directory_replaced_by_a_link_is_passed_over_and_a_missing_one_fails()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "real"));
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "link"), Path.Combine(dir.Path, "real"));
        var entries = new List<(string, DirectoryEntryType)>();

        Assert.Equal(FileRead.Vanished, UnixFile.ReadDirectory(Path.Combine(dir.Path, "link"), followLink: false, entries, out _));
        Assert.Equal(FileRead.Read, UnixFile.ReadDirectory(Path.Combine(dir.Path, "link"), followLink: true, entries, out _));
        Assert.Equal(FileRead.Failed, UnixFile.ReadDirectory(Path.Combine(dir.Path, "gone"), followLink: false, entries, out string? error));
        Assert.Equal("No such file or directory", error);
        Assert.Empty(entries);
    }
}
