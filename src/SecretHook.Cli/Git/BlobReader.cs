using System.Diagnostics;
using System.Text;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.GitIntegration;

/// <summary>
/// Reads blobs by id through one long-lived <c>git cat-file --batch</c>, started at the first read
/// and ended by <see cref="Dispose"/>. <c>cat-file --batch</c> without <c>--filters</c> or
/// <c>--textconv</c> prints the stored bytes and runs no driver the repository configures. A blob
/// larger than the caller's limit is read past (never held in memory) and reported by its size only.
/// </summary>
internal sealed class BlobReader(GitRunner git) : IDisposable
{
    private static readonly string[] BatchArgs = ["cat-file", "--batch"];

    private Process? _process;
    private BufferedStream? _output;
    private BackgroundThread<string>? _stderr;

    /// <summary>
    /// The content of blob <paramref name="id"/>, or null (with its <paramref name="size"/>) when it is
    /// larger than <paramref name="maxBytes"/>.
    /// </summary>
    /// <exception cref="GitException">The object is missing or not a blob, or git failed.</exception>
    public byte[]? Read(string id, long maxBytes, out long size)
    {
        var output = Started();
        try
        {
            _process!.StandardInput.BaseStream.Write(Encoding.ASCII.GetBytes(id + "\n"));
            _process.StandardInput.BaseStream.Flush();
        }
        catch (IOException)
        {
            throw Ended();
        }
        string header = ReadHeader(output) ?? throw Ended();
        var parts = header.Split(' ');
        if (parts.Length != 3 || parts[1] != "blob" || !long.TryParse(parts[2], out size) || size < 0)
        {
            throw new GitException($"git cat-file could not read blob {id}: {header}");
        }
        byte[]? content = size <= maxBytes ? new byte[size] : null;
        long left = size;
        var chunk = new byte[64 * 1024];
        while (left > 0)
        {
            int want = (int)Math.Min(left, content is null ? chunk.Length : int.MaxValue);
            int n = content is null
                ? output.Read(chunk, 0, want)
                : output.Read(content, (int)(size - left), want);
            if (n == 0)
            {
                throw Ended();
            }
            left -= n;
        }
        if (output.ReadByte() != '\n')
        {
            throw Ended();
        }
        return content;
    }

    private BufferedStream Started()
    {
        if (_output is not null)
        {
            return _output;
        }
        _process = git.Start(BatchArgs);
        _stderr = new BackgroundThread<string>("git cat-file stderr", _process.StandardError.ReadToEnd);
        _output = new BufferedStream(_process.StandardOutput.BaseStream, 64 * 1024);
        return _output;
    }

    private static string? ReadHeader(BufferedStream output)
    {
        var bytes = new List<byte>(96);
        while (true)
        {
            int b = output.ReadByte();
            if (b < 0)
            {
                return null;
            }
            if (b == '\n')
            {
                return Encoding.UTF8.GetString([.. bytes]);
            }
            if (bytes.Count > 4096)
            {
                return Encoding.UTF8.GetString([.. bytes]);
            }
            bytes.Add((byte)b);
        }
    }

    /// <summary>cat-file's output stopped early: say why, with git's exit code and message if it has one.</summary>
    private GitException Ended()
    {
        var process = _process!;
        if (process.WaitForExit(1000))
        {
            string stderr = _stderr is { } t && t.TryResult(1000, out string? text) ? text! : "";
            return process.ExitCode == 0
                ? new GitException("git cat-file's output was cut off: it ended before the whole blob was sent")
                : GitRunner.Failure(BatchArgs, process.ExitCode, stderr.Length > 0 ? stderr : "its output was cut off");
        }
        return new GitException("git cat-file stopped answering: its output was cut off");
    }

    /// <summary>Ends cat-file (it exits when its input closes).</summary>
    public void Dispose()
    {
        if (_process is not { } process)
        {
            return;
        }
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        if (!process.WaitForExit(5000))
        {
            GitRunner.Kill(process);
        }
        process.Dispose();
        _process = null;
        _output = null;
    }
}
