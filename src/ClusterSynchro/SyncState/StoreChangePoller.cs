using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.SyncState;

/// <summary>
/// Notices writes to our objects made by other processes on the same database, which raise no in-process
/// <see cref="IApiObjectStore.Changed"/> here: reads the change feed of each key after the last revision seen, every
/// interval, and reports a key that changed (or whose feed expired, so changes may have been missed).
/// </summary>
internal sealed partial class StoreChangePoller(IApiObjectChangeFeed feed, IReadOnlyList<string> keys, TimeSpan interval, TimeProvider time, ILogger logger)
{
    public async Task RunAsync(Action<string> changed, CancellationToken ct)
    {
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        while (!ct.IsCancellationRequested)
        {
            foreach (var key in keys)
            {
                try
                {
                    if (!seen.TryGetValue(key, out var after))
                    {
                        // The first read sets where to follow from. It is reported too: a write between the caller's
                        // own first read and this one would be missed otherwise.
                        seen[key] = (await feed.ListWithRevisionAsync(key, ct).ConfigureAwait(false)).Revision;
                        changed(key);
                        continue;
                    }

                    var changes = await feed.GetChangesAsync(key, after, ct).ConfigureAwait(false);
                    seen[key] = changes.Revision;
                    if (changes.Expired || changes.Changes.Count > 0)
                    {
                        changed(key);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    LogPollFailed(logger, key, e);
                }
            }

            await Task.Delay(interval, time, ct).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Reading the change feed of {Resource} failed; trying again on the next poll")]
    private static partial void LogPollFailed(ILogger logger, string resource, Exception exception);
}
