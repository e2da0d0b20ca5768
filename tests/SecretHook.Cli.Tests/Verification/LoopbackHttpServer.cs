using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecretHook.Cli.Tests.Verification;

/// <summary>One request as the server received it: the raw bytes and their parts.</summary>
public sealed record RecordedRequest(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body, string Raw)
{
    /// <summary>The first value of header <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>What the server answers: a status, headers and a body — or raw bytes that need not be HTTP.</summary>
public sealed record ServerAnswer(int Status, string Body = "", IReadOnlyList<KeyValuePair<string, string>>? Headers = null, byte[]? Raw = null)
{
    /// <summary>A JSON answer.</summary>
    public static ServerAnswer Json(int status, string json, params KeyValuePair<string, string>[] headers) =>
        new(status, json, [new("Content-Type", "application/json"), .. headers]);
}

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 and an ephemeral port, built on <see cref="TcpListener"/> so that
/// a test sees the exact bytes a client sent and can answer with anything, including bytes that are not
/// HTTP or no answer at all. Every connection is answered once and closed.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Func<RecordedRequest, CancellationToken, Task<ServerAnswer>> _handler;
    private readonly Task _accepting;

    /// <summary>Starts a server that answers each request with <paramref name="handler"/>.</summary>
    public LoopbackHttpServer(Func<RecordedRequest, CancellationToken, Task<ServerAnswer>> handler)
    {
        _handler = handler;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Starts a server that answers synchronously.</summary>
    public LoopbackHttpServer(Func<RecordedRequest, ServerAnswer> handler) : this((r, _) => Task.FromResult(handler(r))) { }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The requests received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, _stop.Token);
                if (request is null)
                {
                    return;
                }
                _requests.Enqueue(request);
                var answer = await _handler(request, _stop.Token);
                byte[] bytes = answer.Raw ?? Format(answer);
                await stream.WriteAsync(bytes, _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
            {
                // The client gave up (a timeout) or the server is stopping.
            }
        }
    }

    private static byte[] Format(ServerAnswer answer)
    {
        var body = Encoding.UTF8.GetBytes(answer.Body);
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(answer.Status).Append(" Status\r\n");
        foreach (var (name, value) in answer.Headers ?? [])
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        head.Append("Content-Length: ").Append(body.Length).Append("\r\nConnection: close\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    private static async Task<RecordedRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        int headerEnd = -1;
        while (headerEnd < 0)
        {
            int n = await stream.ReadAsync(chunk, ct);
            if (n == 0)
            {
                return null;
            }
            buffer.AddRange(chunk.AsSpan(0, n));
            headerEnd = IndexOf(buffer, "\r\n\r\n"u8);
        }
        string head = Encoding.Latin1.GetString([.. buffer.Take(headerEnd)]);
        var lines = head.Split("\r\n");
        var first = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => new KeyValuePair<string, string>(p[0].Trim(), p.Length > 1 ? p[1].Trim() : "")).ToList();
        int length = int.TryParse(headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value, out int l) ? l : 0;
        while (buffer.Count < headerEnd + 4 + length)
        {
            int n = await stream.ReadAsync(chunk, ct);
            if (n == 0)
            {
                break;
            }
            buffer.AddRange(chunk.AsSpan(0, n));
        }
        string raw = Encoding.Latin1.GetString([.. buffer]);
        string body = Encoding.Latin1.GetString([.. buffer.Skip(headerEnd + 4)]);
        return new RecordedRequest(first[0], first.Length > 1 ? first[1] : "", headers, body, raw);
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Count; i++)
        {
            bool match = true;
            for (int j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }
            if (match)
            {
                return i;
            }
        }
        return -1;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connections);
        _stop.Dispose();
    }
}
