namespace Clusterpedia.Kube.Client;

/// <summary>
/// What a <see cref="Reflector"/> calls while it lists and watches one collection. Calls come from one loop, never
/// concurrently. A callback that throws fails the cycle like a failed request: the reflector asks
/// <see cref="OnError"/> what to do and lists again.
/// </summary>
public interface IReflectorHandler
{
    /// <summary>Whether to go on watching; checked before each watch request (false ends the cycle and relists).</summary>
    bool KeepWatching => true;

    /// <summary>Before each list: reset per-list state. False ends the run (the collection is not there to reflect).</summary>
    ValueTask<bool> StartListAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <summary>
    /// One page of the list (<see cref="ListPage.IsRestart"/> when the list started over). The items are slices of a
    /// pooled buffer that is reused once the returned task completes: copy whatever is kept beyond that.
    /// </summary>
    ValueTask OnPageAsync(ListPage page, CancellationToken cancellationToken);

    /// <summary>The list is complete; the watch starts from its resourceVersion next.</summary>
    ValueTask OnListedAsync(CancellationToken cancellationToken);

    /// <summary>An ADDED, MODIFIED or DELETED event (bookmarks only move the resume point).</summary>
    ValueTask OnEventAsync(ReflectedEvent watchEvent, CancellationToken cancellationToken);

    /// <summary>One watch request ended (closed by the server, idle or failed) while not cancelled.</summary>
    void OnWatchEnded(bool idle)
    {
    }

    /// <summary>The watch phase of a cycle is over, for any reason: flush what the events started.</summary>
    ValueTask OnWatchStoppedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The watch fell behind the server's history (410 Expired): the reflector lists again at once.</summary>
    void OnExpired();

    /// <summary>Any other failure: report it and say what comes next.</summary>
    ReflectorErrorAction OnError(Exception exception);
}
