using SecretHook.Cli.Pipeline;
using SecretHook.Core.Detection;

namespace SecretHook.Cli.Sources;

/// <summary>
/// Standard input (<c>scan -</c>) as one chunk named <c>&lt;stdin&gt;</c>, read up to the size limit: more
/// than that fails the scan (exit 2) rather than passing what was not read.
/// </summary>
public sealed class StdinSource(Stream stdin, long maxBytes) : IScanSource
{
    /// <summary>The name findings in standard input carry.</summary>
    public const string Name = "<stdin>";

    /// <inheritdoc />
    public void Run(IScanSink sink)
    {
        using var buffer = new MemoryStream();
        var block = new byte[64 * 1024];
        int n;
        while ((n = stdin.Read(block)) > 0)
        {
            if (buffer.Length + n > maxBytes)
            {
                sink.Fail($"{Name}: more than {maxBytes} bytes; raise the limit with --max-file-size to scan it");
                return;
            }
            buffer.Write(block, 0, n);
        }
        var data = buffer.ToArray();
        if (FileContent.IsBinary(data))
        {
            sink.Skip(Name, "binary");
            return;
        }
        foreach (var view in FileContent.Views(data, data.Length))
        {
            sink.Content(new Chunk(view, Name));
        }
    }
}
