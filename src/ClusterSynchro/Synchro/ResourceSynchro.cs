using System.Text.Json;
using System.Threading.Channels;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Client;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Keeps one resource of one cluster in storage: a paged list (skipping objects whose stored resourceVersion is
/// unchanged, deleting what disappeared), then a watch from the list's resourceVersion whose events are written
/// in batches. A 410 relists; any other failure backs off (jittered, exponential) and relists, which rewrites nothing
/// that did not change. Objects in excluded namespaces are filtered by the member (field selector) when it can, else here.
/// </summary>
internal sealed partial class ResourceSynchro
{
    private readonly string _cluster;
    private readonly KubeClient _client;
    private readonly StorageWriter _writer;
    private readonly ResourceSyncState _state;
    private readonly IReadOnlySet<string> _excludedNamespaces;
    private readonly SynchroOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GroupVersionResource _gvr;
    private readonly string _resourceName;
    private readonly ObjectTransformer _transformer;
    private readonly ObjectProblems _problems = new();
    private readonly Action _connectionTrouble;
    private string? _fieldSelector;

    public ResourceSynchro(
        string cluster, KubeClient client, StorageWriter writer, ResourceSyncState state, IReadOnlySet<string> excludedNamespaces,
        SynchroOptions options, TimeProvider time, ILogger logger, Action? connectionTrouble = null)
    {
        _connectionTrouble = connectionTrouble ?? (() => { });
        _cluster = cluster;
        _client = client;
        _writer = writer;
        _state = state;
        _options = options;
        _time = time;
        _logger = logger;
        _gvr = state.Resource.Resource;
        _resourceName = _gvr.ToString();
        _transformer = new ObjectTransformer(cluster, _gvr, state.Resource.Kind, options.PruneObjects);
        _excludedNamespaces = state.Resource.Namespaced ? excludedNamespaces : new HashSet<string>();
        _fieldSelector = _excludedNamespaces.Count == 0
            ? null
            : string.Join(',', _excludedNamespaces.Order(StringComparer.Ordinal).Select(n => "metadata.namespace!=" + n));
    }

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
                var (reason, message) = _problems.Summary();
                _state.Set("Syncing", reason, message, _time.GetUtcNow(), initialListDone: true);
                await WatchAsync(rv, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (KubeApiException e) when (e.IsExpired)
            {
                SynchroMetrics.WatchRestarted(_cluster, _resourceName, "expired");
                LogRelist(_logger, _cluster, _resourceName);
            }
            catch (KubeApiException e) when (e.StatusCode == 400 && _fieldSelector is not null)
            {
                // The member does not filter this resource by namespace: filter here from now on.
                _fieldSelector = null;
                LogClientSideFilter(_logger, _cluster, _resourceName, e.Message);
            }
            catch (Exception e)
            {
                failures++;
                _connectionTrouble();
                SynchroMetrics.WatchRestarted(_cluster, _resourceName, "error");
                LogFailure(_logger, _cluster, _resourceName, e);
                var reason = e switch
                {
                    KubeApiException k => k.Reason,
                    EndlessListException => "EndlessList",
                    _ => "SyncFailed",
                };
                _state.Set("Error", reason, Describe(e), _time.GetUtcNow());
                await DelayAsync(failures, ct).ConfigureAwait(false);
            }
        }
    }

    private static string Describe(Exception e) => e is KubeApiException k ? $"{k.StatusCode} {k.Reason}: {k.StatusMessage ?? k.Message}" : e.Message;

    private async Task DelayAsync(int failures, CancellationToken ct)
    {
        var max = _options.MaxBackoff.TotalMilliseconds;
        var baseMs = Math.Min(max, 500 * Math.Pow(2, Math.Min(failures, 10)));
        var delay = TimeSpan.FromMilliseconds(baseMs / 2 + (Random.Shared.NextDouble() * baseMs / 2));
        try
        {
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool Excluded(string ns) => ns.Length > 0 && _excludedNamespaces.Contains(ns);

    /// <summary>Lists everything, writes what changed, deletes what is gone; returns the list's resourceVersion.</summary>
    private async Task<string> ListAsync(CancellationToken ct)
    {
        var stored = await _writer.Storage.GetResourceVersionsAsync(_cluster, _gvr, ct).ConfigureAwait(false);
        var seen = new HashSet<(string, string)>();
        var seenBeforeRestart = new HashSet<(string, string)>();
        var resourceVersion = "";
        long added = 0, updated = 0;
        var request = new ListRequest { Limit = _options.PageSize, FieldSelector = _fieldSelector };
        _problems.Reset();
        int pages = 0, pagesWithoutNew = 0;
        await foreach (var page in _client.ListAllPagesAsync(CollectionPath, request, ct).ConfigureAwait(false))
        {
            var seenBefore = seen.Count;
            if (page.IsRestart)
            {
                // The continue token expired and the list started over: what earlier pages gave comes again, and
                // an object they gave (and we may have written) that is now gone must not count as seen.
                seenBeforeRestart.UnionWith(seen);
                seen.Clear();
            }

            var batch = new List<ResourceRecord>(page.Items.Count);
            foreach (var raw in page.Items)
            {
                if (Accept(raw, out var item) is not var (ns, name, rv) || Excluded(ns) || !seen.Add((ns, name)))
                {
                    continue;
                }

                if (stored.TryGetValue((ns, name), out var storedRv))
                {
                    if (storedRv == rv)
                    {
                        continue;
                    }

                    updated++;
                }
                else
                {
                    added++;
                }

                if (TryTransform(item, ns, name) is { } record)
                {
                    batch.Add(record);
                }
            }

            if (batch.Count > 0)
            {
                await _writer.UpsertAsync(batch, ct).ConfigureAwait(false);
            }

            _state.SetObjectCount(seen.Count);
            resourceVersion = page.ResourceVersion;
            CheckProgress(page, ++pages, seen.Count > seenBefore || page.IsRestart ? pagesWithoutNew = 0 : ++pagesWithoutNew);
        }

        var gone = stored.Keys.Union(seenBeforeRestart).Where(k => !seen.Contains(k))
            .Select(k => new ResourceKey(_cluster, _gvr.Group, _gvr.Version, _gvr.Resource, k.Item1, k.Item2))
            .ToList();
        if (gone.Count > 0)
        {
            await _writer.DeleteAsync(gone, ct).ConfigureAwait(false);
        }

        _state.SetObjectCount(seen.Count);
        SynchroMetrics.Added(_cluster, _resourceName, added);
        SynchroMetrics.Updated(_cluster, _resourceName, updated);
        SynchroMetrics.Deleted(_cluster, _resourceName, gone.Count);
        LogListed(_logger, _cluster, _resourceName, seen.Count, added + updated, gone.Count);
        return resourceVersion;
    }

    private async Task WatchAsync(string resourceVersion, CancellationToken ct)
    {
        var events = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(_options.MaxBatch * 4) { SingleReader = true, SingleWriter = true });
        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = WriteEventsAsync(events.Reader, watchCts.Token);
        var rv = resourceVersion;
        try
        {
            while (!ct.IsCancellationRequested && !writer.IsCompleted)
            {
                var request = new WatchRequest
                {
                    ResourceVersion = rv,
                    AllowWatchBookmarks = true,
                    TimeoutSeconds = _options.WatchTimeoutSeconds,
                    FieldSelector = _fieldSelector,
                };
                try
                {
                    await foreach (var e in _client.WatchAsync(CollectionPath, request, ct).ConfigureAwait(false))
                    {
                        if (writer.IsCompleted)
                        {
                            // Storage failed: surface its exception so the synchro backs off and relists.
                            await writer.ConfigureAwait(false);
                        }

                        if (e.Type == WatchEventType.Bookmark)
                        {
                            var (_, _, bookmarkRv) = ObjectTransformer.PeekIdentity(e.Object.Span);
                            rv = bookmarkRv.Length > 0 ? bookmarkRv : rv;
                            continue;
                        }

                        var skippedBefore = _problems.Skipped + _problems.Repaired;
                        var identity = Accept(e.Object, out var obj);
                        if (_problems.Skipped + _problems.Repaired != skippedBefore)
                        {
                            var (reason, message) = _problems.Summary();
                            _state.Set("Syncing", reason, message, _time.GetUtcNow());
                        }

                        if (identity is not var (ns, _, eventRv))
                        {
                            continue;
                        }

                        rv = eventRv.Length > 0 ? eventRv : rv;
                        if (Excluded(ns))
                        {
                            continue;
                        }

                        if (e.Type == WatchEventType.Added)
                        {
                            _state.AddObjectCount(1);
                        }
                        else if (e.Type == WatchEventType.Deleted)
                        {
                            _state.AddObjectCount(-1);
                        }

                        // The event's bytes may be reused by the reader: keep a copy until it is written.
                        await events.Writer.WriteAsync(new WatchEvent(e.Type, obj.ToArray()), ct).ConfigureAwait(false);
                    }
                }
                catch (WatchIdleTimeoutException)
                {
                    // A silent stream (no events, no bookmarks): watch again from where we are, nothing is lost.
                    LogIdleWatch(_logger, _cluster, _resourceName);
                }
                finally
                {
                    // A watch that ends, cleanly or not, is often the first sign of a member going away: have the
                    // cluster probed now rather than at the next interval (the request is rate limited).
                    if (!ct.IsCancellationRequested)
                    {
                        _connectionTrouble();
                    }
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
            long added = 0, updated = 0;
            var n = 0;
            while (n < _options.MaxBatch && reader.TryRead(out var e))
            {
                n++;
                var (ns, name, _) = ObjectTransformer.PeekIdentity(e.Object.Span);
                if (e.Type == WatchEventType.Deleted)
                {
                    upserts.Remove((ns, name));
                    deletes[(ns, name)] = new ResourceKey(_cluster, _gvr.Group, _gvr.Version, _gvr.Resource, ns, name);
                }
                else
                {
                    deletes.Remove((ns, name));
                    if (TryTransform(e.Object, ns, name) is { } record)
                    {
                        upserts[(ns, name)] = record;
                        _ = e.Type == WatchEventType.Added ? added++ : updated++;
                    }
                }
            }

            if (upserts.Count > 0)
            {
                await _writer.UpsertAsync([.. upserts.Values], ct).ConfigureAwait(false);
            }

            if (deletes.Count > 0)
            {
                await _writer.DeleteAsync([.. deletes.Values], ct).ConfigureAwait(false);
            }

            SynchroMetrics.Added(_cluster, _resourceName, added);
            SynchroMetrics.Updated(_cluster, _resourceName, updated);
            SynchroMetrics.Deleted(_cluster, _resourceName, deletes.Count);
        }
    }

    /// <summary>Gives up on a list that goes on without end (a healthy one brings new objects on every page but the last).</summary>
    private void CheckProgress(ListPage page, int pages, int pagesWithoutNew)
    {
        if (page.Continue is null)
        {
            return;
        }

        if (pagesWithoutNew >= _options.MaxListPagesWithoutNewObjects)
        {
            throw new EndlessListException(
                $"list of {_resourceName} never ends: {pagesWithoutNew} pages in a row brought no object not already listed, and the member still sends a continue token");
        }

        if (pages >= _options.MaxListPages)
        {
            throw new EndlessListException($"list of {_resourceName} never ends: {pages} pages and the member still sends a continue token");
        }
    }

    /// <summary>
    /// The identity of an object fit to store, with its bytes (repaired if they had to be); null for an object that
    /// is skipped, which is counted, reported in the resource's condition and logged once.
    /// </summary>
    private (string Namespace, string Name, string ResourceVersion)? Accept(ReadOnlyMemory<byte> raw, out ReadOnlyMemory<byte> json)
    {
        var problem = MemberObjectCheck.Check(raw, out json, out var identity, out var repaired);
        var key = identity.Name.Length == 0 ? null : identity.Namespace.Length == 0 ? identity.Name : identity.Namespace + "/" + identity.Name;
        if (problem is not null)
        {
            if (_problems.AddSkipped(key, problem))
            {
                LogSkipped(_logger, _cluster, _resourceName, key ?? "(no name)", problem);
            }

            return null;
        }

        if (repaired && _problems.AddRepaired(key!))
        {
            LogRepaired(_logger, _cluster, _resourceName, key!);
        }

        return identity;
    }

    /// <summary>The row to store, or null when the transform fails on the object (counted and logged like a skip).</summary>
    private ResourceRecord? TryTransform(ReadOnlyMemory<byte> json, string ns, string name)
    {
        try
        {
            return _transformer.Transform(json.Span);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            var key = ns.Length == 0 ? name : ns + "/" + name;
            if (_problems.AddSkipped(key, e.Message))
            {
                LogSkipped(_logger, _cluster, _resourceName, key, e.Message);
            }

            return null;
        }
    }

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Cluster {Cluster}: skipped an invalid object of {Resource} ({Object}): {Problem}")]
    private static partial void LogSkipped(ILogger logger, string cluster, string resource, string @object, string problem);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Cluster {Cluster}: object {Object} of {Resource} had invalid UTF-8 or lone surrogates; stored with U+FFFD in their place")]
    private static partial void LogRepaired(ILogger logger, string cluster, string resource, string @object);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Cluster {Cluster}: listed {Resource}: {Count} objects, {Written} written, {Deleted} deleted since last sync")]
    private static partial void LogListed(ILogger logger, string cluster, string resource, long count, long written, int deleted);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Cluster {Cluster}: watch of {Resource} expired, relisting")]
    private static partial void LogRelist(ILogger logger, string cluster, string resource);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Cluster {Cluster}: syncing {Resource} failed; retrying")]
    private static partial void LogFailure(ILogger logger, string cluster, string resource, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Cluster {Cluster}: {Resource} rejected the namespace field selector ({Error}); excluded namespaces are filtered by the synchro")]
    private static partial void LogClientSideFilter(ILogger logger, string cluster, string resource, string error);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Cluster {Cluster}: watch of {Resource} was idle; watching again")]
    private static partial void LogIdleWatch(ILogger logger, string cluster, string resource);
}
