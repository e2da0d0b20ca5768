namespace SecretHook.Cli.Pipeline;

/// <summary>
/// A blocking queue between one producer (a source) and the pipeline's workers, bounded twice: by
/// the number of items and by their weight (the bytes they hold), counted from <see cref="Add"/> until
/// the worker that took an item calls <see cref="Done"/>, so the memory in flight stays within the
/// budget however long the input is. An item heavier than the whole budget is let in when nothing
/// else is in flight (a large file is still scanned, alone). <see cref="Complete"/> ends the input;
/// <see cref="TryTake"/> then returns false once the queue is empty.
/// </summary>
internal sealed class WorkQueue<T>
{
    private readonly Queue<(T Item, long Weight)> _items = new();
    private readonly object _gate = new();
    private readonly int _maxItems;
    private readonly long _maxWeight;
    private int _inFlight;
    private long _weight;
    private bool _complete;

    /// <summary>A queue holding at most <paramref name="maxItems"/> items and <paramref name="maxWeight"/> of weight in flight.</summary>
    public WorkQueue(int maxItems, long maxWeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWeight, 0);
        _maxItems = maxItems;
        _maxWeight = maxWeight;
    }

    /// <summary>Items added and not yet <see cref="Done"/> (queued or being worked on).</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>The weight of the items in flight.</summary>
    public long Weight
    {
        get
        {
            lock (_gate)
            {
                return _weight;
            }
        }
    }

    /// <summary>Adds <paramref name="item"/>, waiting while the queue is full.</summary>
    /// <exception cref="InvalidOperationException">The queue was completed.</exception>
    public void Add(T item, long weight)
    {
        lock (_gate)
        {
            while (!Fits(weight))
            {
                Monitor.Wait(_gate);
            }
            Enqueue(item, weight);
        }
    }

    /// <summary>Adds <paramref name="item"/> if it fits now; false (and nothing added) when the queue is full.</summary>
    /// <exception cref="InvalidOperationException">The queue was completed.</exception>
    public bool TryAdd(T item, long weight)
    {
        lock (_gate)
        {
            if (!Fits(weight))
            {
                return false;
            }
            Enqueue(item, weight);
            return true;
        }
    }

    /// <summary>Takes the next item, waiting for one; false when the queue is completed and empty.</summary>
    public bool TryTake(out T item, out long weight)
    {
        lock (_gate)
        {
            while (_items.Count == 0)
            {
                if (_complete)
                {
                    item = default!;
                    weight = 0;
                    return false;
                }
                Monitor.Wait(_gate);
            }
            (item, weight) = _items.Dequeue();
            return true;
        }
    }

    /// <summary>A worker finished an item of <paramref name="weight"/> it took: its room is free again.</summary>
    public void Done(long weight)
    {
        lock (_gate)
        {
            _inFlight--;
            _weight -= weight;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>No more items will be added: workers finish what is queued and stop.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _complete = true;
            Monitor.PulseAll(_gate);
        }
    }

    private bool Fits(long weight)
    {
        if (_complete)
        {
            throw new InvalidOperationException("the work queue was completed");
        }
        return _inFlight == 0 || (_inFlight < _maxItems && _weight + weight <= _maxWeight);
    }

    private void Enqueue(T item, long weight)
    {
        _items.Enqueue((item, weight));
        _inFlight++;
        _weight += weight;
        Monitor.PulseAll(_gate);
    }
}
