namespace Clusterpedia.Storage;

/// <summary>
/// Wakes the readers of the store's change feed (watches) when the store may have changed: at once after a write of
/// this process commits, and, on PostgreSQL, when another process's write commits (its NOTIFY, received on this
/// process's LISTEN connection). A wake-up only says "read again": readers still read by revision from the store, so
/// ordering and resume are the store's. The poll stays as the fallback: <see cref="PollInterval"/> is long while the
/// LISTEN connection is up and short otherwise (SQLite, MySQL, or PostgreSQL with the connection down).
/// </summary>
public sealed class StoreChangeNotifier
{
    private readonly TimeSpan _pollInterval;
    private readonly TimeSpan _listeningPollInterval;
    private readonly TimeProvider _time;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _listening;
    private long _wakeUps;
    private long _latestRevision;

    public StoreChangeNotifier(StorageOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pollInterval = options.WatchPollInterval;
        _listeningPollInterval = options.ListeningWatchPollInterval;
        _time = time;
    }

    /// <summary>True while the process's LISTEN connection is up (PostgreSQL): other processes' writes wake it at once.</summary>
    public bool Listening
    {
        get => _listening;
        internal set => _listening = value;
    }

    /// <summary>How long a reader waits for a wake-up before reading again anyway.</summary>
    public TimeSpan PollInterval => _listening ? _listeningPollInterval : _pollInterval;

    /// <summary>Wake-ups so far (local commits and notifications).</summary>
    public long WakeUps => Interlocked.Read(ref _wakeUps);

    /// <summary>
    /// The highest revision a PostgreSQL notification announced as committed (0 before the first): a change-feed read
    /// on a read replica waits until the replica has replayed it, so a wake-up is never answered with older data.
    /// </summary>
    public long LatestRevision => Interlocked.Read(ref _latestRevision);

    /// <summary>Records a revision announced as committed (a notification's payload), then wakes the readers.</summary>
    public void Signal(long committedRevision)
    {
        AtomicMax.Raise(ref _latestRevision, committedRevision);
        Signal();
    }

    /// <summary>
    /// Completes at the next wake-up. Take it BEFORE reading the store, then wait on it with
    /// <see cref="WaitAsync(Task, CancellationToken)"/> after the read: a change committed in between is not missed.
    /// </summary>
    public Task NextChange => Volatile.Read(ref _next).Task;

    /// <summary>Wakes every reader waiting on <see cref="NextChange"/>.</summary>
    public void Signal()
    {
        Interlocked.Increment(ref _wakeUps);
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits for <paramref name="change"/> (from <see cref="NextChange"/>) or the poll interval, whichever comes first.</summary>
    public async Task WaitAsync(Task change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            await change.WaitAsync(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The poll interval passed without a wake-up: read again anyway.
        }
    }
}
