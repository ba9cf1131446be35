using System.Threading.Channels;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Client;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Keeps one resource of one cluster in storage: a paged list (skipping objects whose stored resourceVersion is
/// unchanged, deleting what disappeared), then a watch from the list's resourceVersion whose events are written
/// in batches. A 410 relists; any other failure backs off (jittered, exponential) and resumes.
/// </summary>
internal sealed partial class ResourceSynchro(
    string cluster,
    KubeClient client,
    IResourceStorage storage,
    ResourceSyncState state,
    SynchroOptions options,
    TimeProvider time,
    ILogger logger)
{
    private readonly GroupVersionResource _gvr = state.Resource.Resource;
    private readonly string _resourceName = state.Resource.Resource.ToString();
    private readonly ObjectTransformer _transformer = new(cluster, state.Resource.Resource, state.Resource.Kind, options.PruneObjects);

    private string CollectionPath => $"{_gvr.ApiPrefix}/{_gvr.Resource}";

    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var rv = await ListAsync(ct).ConfigureAwait(false);
                failures = 0;
                state.Set("Syncing", null, null, time.GetUtcNow(), initialListDone: true);
                await WatchAsync(rv, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (KubeApiException e) when (e.IsExpired)
            {
                LogRelist(logger, cluster, _resourceName);
            }
            catch (Exception e)
            {
                failures++;
                LogFailure(logger, cluster, _resourceName, e);
                state.Set("Error", e is KubeApiException k ? k.Reason : "SyncFailed", e.Message, time.GetUtcNow());
                await DelayAsync(failures, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task DelayAsync(int failures, CancellationToken ct)
    {
        var max = options.MaxBackoff.TotalMilliseconds;
        var baseMs = Math.Min(max, 500 * Math.Pow(2, Math.Min(failures, 10)));
        var delay = TimeSpan.FromMilliseconds(baseMs / 2 + (Random.Shared.NextDouble() * baseMs / 2));
        try
        {
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Lists everything, writes what changed, deletes what is gone; returns the list's resourceVersion.</summary>
    private async Task<string> ListAsync(CancellationToken ct)
    {
        var stored = await storage.GetResourceVersionsAsync(cluster, _gvr, ct).ConfigureAwait(false);
        var seen = new HashSet<(string, string)>();
        var resourceVersion = "";
        long count = 0;
        await foreach (var page in client.ListAllPagesAsync(CollectionPath, new ListRequest { Limit = options.PageSize }, ct).ConfigureAwait(false))
        {
            var batch = new List<ResourceRecord>(page.Items.Count);
            foreach (var item in page.Items)
            {
                var (ns, name, rv) = ObjectTransformer.PeekIdentity(item.Span);
                seen.Add((ns, name));
                count++;
                if (stored.TryGetValue((ns, name), out var storedRv) && storedRv == rv)
                {
                    continue;
                }

                batch.Add(_transformer.Transform(item.Span));
            }

            if (batch.Count > 0)
            {
                await storage.UpsertAsync(batch, ct).ConfigureAwait(false);
            }

            resourceVersion = page.ResourceVersion;
        }

        var gone = stored.Keys.Where(k => !seen.Contains(k))
            .Select(k => new ResourceKey(cluster, _gvr.Group, _gvr.Version, _gvr.Resource, k.Namespace, k.Name))
            .ToList();
        if (gone.Count > 0)
        {
            await storage.DeleteAsync(gone, ct).ConfigureAwait(false);
        }

        state.ObjectCount = count;
        LogListed(logger, cluster, _resourceName, count, gone.Count);
        return resourceVersion;
    }

    private async Task WatchAsync(string resourceVersion, CancellationToken ct)
    {
        var events = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(options.MaxBatch * 4) { SingleReader = true, SingleWriter = true });
        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = WriteEventsAsync(events.Reader, watchCts.Token);
        var rv = resourceVersion;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var request = new WatchRequest { ResourceVersion = rv, AllowWatchBookmarks = true, TimeoutSeconds = options.WatchTimeoutSeconds };
                await foreach (var e in client.WatchAsync(CollectionPath, request, ct).ConfigureAwait(false))
                {
                    if (writer.IsCompleted)
                    {
                        // Storage failed: surface its exception so the synchro backs off and relists.
                        await writer.ConfigureAwait(false);
                    }

                    var (_, _, eventRv) = ObjectTransformer.PeekIdentity(e.Object.Span);
                    if (eventRv.Length > 0)
                    {
                        rv = eventRv;
                    }

                    if (e.Type != WatchEventType.Bookmark)
                    {
                        // The event's bytes may be reused by the reader: keep a copy until it is written.
                        await events.Writer.WriteAsync(new WatchEvent(e.Type, e.Object.ToArray()), ct).ConfigureAwait(false);
                    }
                }

                if (writer.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            events.Writer.TryComplete();
            try
            {
                await writer.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Drains whatever events are ready (up to MaxBatch) and writes them in one transaction.</summary>
    private async Task WriteEventsAsync(ChannelReader<WatchEvent> reader, CancellationToken ct)
    {
        var upserts = new Dictionary<(string, string), ResourceRecord>();
        var deletes = new Dictionary<(string, string), ResourceKey>();
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            upserts.Clear();
            deletes.Clear();
            var n = 0;
            while (n < options.MaxBatch && reader.TryRead(out var e))
            {
                n++;
                var (ns, name, _) = ObjectTransformer.PeekIdentity(e.Object.Span);
                if (e.Type == WatchEventType.Deleted)
                {
                    upserts.Remove((ns, name));
                    deletes[(ns, name)] = new ResourceKey(cluster, _gvr.Group, _gvr.Version, _gvr.Resource, ns, name);
                }
                else
                {
                    deletes.Remove((ns, name));
                    upserts[(ns, name)] = _transformer.Transform(e.Object.Span);
                }
            }

            if (upserts.Count > 0)
            {
                await storage.UpsertAsync([.. upserts.Values], ct).ConfigureAwait(false);
            }

            if (deletes.Count > 0)
            {
                await storage.DeleteAsync([.. deletes.Values], ct).ConfigureAwait(false);
            }

        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Cluster {Cluster}: listed {Resource}: {Count} objects, {Deleted} deleted since last sync")]
    private static partial void LogListed(ILogger logger, string cluster, string resource, long count, int deleted);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Cluster {Cluster}: watch of {Resource} expired, relisting")]
    private static partial void LogRelist(ILogger logger, string cluster, string resource);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Cluster {Cluster}: syncing {Resource} failed; retrying")]
    private static partial void LogFailure(ILogger logger, string cluster, string resource, Exception exception);
}
