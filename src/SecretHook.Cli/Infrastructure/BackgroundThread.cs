using System.Runtime.ExceptionServices;

namespace SecretHook.Cli.Infrastructure;

/// <summary>
/// Runs one function on a dedicated background thread with blocking calls, for the few jobs a scan
/// overlaps with its main work (draining a child's stderr, feeding its stdin, building the detector).
/// Unlike <c>Task.Run</c> or a stream's async methods it needs neither the thread pool, whose workers
/// spin before they sleep, nor the socket engine that async pipe reads start (an epoll thread): a
/// commit hook's whole run is a few milliseconds, and those cost ~1 ms of CPU and three threads.
/// </summary>
/// <typeparam name="T">What the function returns.</typeparam>
public sealed class BackgroundThread<T>
{
    private readonly Thread _thread;
    private T? _result;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Starts <paramref name="work"/> on a new background thread named <paramref name="name"/>.</summary>
    public BackgroundThread(string name, Func<T> work)
    {
        _thread = new Thread(() =>
        {
            try
            {
                _result = work();
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Waits for the function and returns its result, or rethrows what it threw.</summary>
    public T Result()
    {
        _thread.Join();
        _failure?.Throw();
        return _result!;
    }

    /// <summary>
    /// Waits at most <paramref name="milliseconds"/> for the function; false when it has not finished
    /// or it threw (then <paramref name="result"/> is the default).
    /// </summary>
    public bool TryResult(int milliseconds, out T? result)
    {
        result = default;
        if (!_thread.Join(milliseconds) || _failure is not null)
        {
            return false;
        }
        result = _result;
        return true;
    }
}
