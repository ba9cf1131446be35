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
/// in batches. The loop itself (410 relists, other failures back off and relist, which rewrites nothing that did not
/// change) is the <see cref="Reflector"/>'s; this type is what a list and an event mean for storage. Objects in excluded namespaces are filtered by the member (field selector) when it can, else here.
/// </summary>
internal sealed partial class ResourceSynchro : IReflectorHandler
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
    private readonly string? _fieldSelector;
    private Reflector? _reflector;
    private ListProgress? _list;
    private Channel<PendingEvent>? _events;
    private Task? _eventWriter;

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
        var isSecret = _gvr.Group.Length == 0 && _gvr.Resource == "secrets";
        _transformer = new ObjectTransformer(cluster, _gvr, state.Resource.Kind, options.PruneObjects, stripData: isSecret && !options.AllowSecretData, writer.Workloads);
        _excludedNamespaces = state.Resource.Namespaced ? excludedNamespaces : new HashSet<string>();
        _fieldSelector = _excludedNamespaces.Count == 0
            ? null
            : string.Join(',', _excludedNamespaces.Order(StringComparer.Ordinal).Select(n => "metadata.namespace!=" + n));
    }

    private string CollectionPath => $"{_gvr.ApiPrefix}/{_gvr.Resource}";

    public Task RunAsync(CancellationToken ct)
    {
        var options = new ReflectorOptions
        {
            PageSize = _options.PageSize,
            WatchTimeoutSeconds = _options.WatchTimeoutSeconds,
            MaxBackoff = _options.MaxBackoff,
        };
        _reflector = new Reflector(_client, CollectionPath, this, options, _time) { FieldSelector = _fieldSelector };
        return _reflector.RunAsync(ct);
    }

    ReflectorErrorAction IReflectorHandler.OnError(Exception e)
    {
        if (e is KubeApiException { StatusCode: 400 } && _reflector?.FieldSelector is not null)
        {
            // The member does not filter this resource by namespace: filter here from now on.
            _reflector.FieldSelector = null;
            LogClientSideFilter(_logger, _cluster, _resourceName, e.Message);
            return ReflectorErrorAction.RelistAtOnce;
        }

        _connectionTrouble();
        _writer.Metrics.WatchRestarted(_cluster, _resourceName, "error");
        LogFailure(_logger, _cluster, _resourceName, e);
        var reason = e switch
        {
            KubeApiException k => k.Reason,
            EndlessListException => "EndlessList",
            _ => "SyncFailed",
        };
        _state.Set("Error", reason, FailureText.Describe(e), _time.GetUtcNow());
        return ReflectorErrorAction.Backoff;
    }

    void IReflectorHandler.OnExpired()
    {
        _writer.Metrics.WatchRestarted(_cluster, _resourceName, "expired");
        LogRelist(_logger, _cluster, _resourceName);
    }

    private bool Excluded(string ns) => ns.Length > 0 && _excludedNamespaces.Contains(ns);

    /// <summary>A list starts: what is stored, to write only what changed and delete what is gone.</summary>
    async ValueTask<bool> IReflectorHandler.StartListAsync(CancellationToken ct)
    {
        _list = new ListProgress(await _writer.Storage.GetResourceVersionsAsync(_cluster, _gvr, ct).ConfigureAwait(false));
        _problems.Reset();
        return true;
    }

    async ValueTask IReflectorHandler.OnPageAsync(ListPage page, CancellationToken ct)
    {
        var list = _list!;
        var seen = list.Seen;
        var seenBefore = seen.Count;
        if (page.IsRestart)
        {
            // The continue token expired and the list started over: what earlier pages gave comes again, and
            // an object they gave (and we may have written) that is now gone must not count as seen.
            list.SeenBeforeRestart.UnionWith(seen);
            seen.Clear();
        }

        var batch = new List<ResourceRecord>(page.Items.Count);
        foreach (var raw in page.Items)
        {
            if (Accept(raw, null, out var item) is not var (ns, name, rv) || Excluded(ns) || !seen.Add((ns, name)))
            {
                continue;
            }

            if (list.Stored.TryGetValue((ns, name), out var storedRv))
            {
                if (storedRv == rv)
                {
                    continue;
                }

                list.Updated++;
            }
            else
            {
                list.Added++;
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
        list.Pages++;
        list.PagesWithoutNew = seen.Count > seenBefore || page.IsRestart ? 0 : list.PagesWithoutNew + 1;
        CheckProgress(page, list.Pages, list.PagesWithoutNew);
    }

    /// <summary>Deletes what the list no longer has, reports the list and starts the writer of watch events.</summary>
    async ValueTask IReflectorHandler.OnListedAsync(CancellationToken ct)
    {
        var list = _list!;
        _list = null;
        var seen = list.Seen;
        var gone = list.Stored.Keys.Union(list.SeenBeforeRestart).Where(k => !seen.Contains(k))
            .Select(k => new ResourceKey(_cluster, _gvr.Group, _gvr.Version, _gvr.Resource, k.Item1, k.Item2))
            .ToList();
        if (gone.Count > 0)
        {
            await _writer.DeleteAsync(gone, ct).ConfigureAwait(false);
        }

        _state.SetObjectCount(seen.Count);
        _writer.Metrics.Added(_cluster, _resourceName, list.Added);
        _writer.Metrics.Updated(_cluster, _resourceName, list.Updated);
        _writer.Metrics.Deleted(_cluster, _resourceName, gone.Count);
        LogListed(_logger, _cluster, _resourceName, seen.Count, list.Added + list.Updated, gone.Count);

        var (reason, message) = _problems.Summary();
        _state.Set("Syncing", reason, message, _time.GetUtcNow(), initialListDone: true);
        _events = Channel.CreateBounded<PendingEvent>(new BoundedChannelOptions(_options.MaxBatch * 4) { SingleReader = true, SingleWriter = true });
        _eventWriter = WriteEventsAsync(_events.Reader, ct);
    }

    // Storage failed: stop watching, so that the failure surfaces, the synchro backs off and relists.
    bool IReflectorHandler.KeepWatching => _eventWriter is not { IsCompleted: true };

    async ValueTask IReflectorHandler.OnEventAsync(ReflectedEvent e, CancellationToken ct)
    {
        if (_eventWriter is { IsCompleted: true } failed)
        {
            await failed.ConfigureAwait(false);
        }

        var skippedBefore = _problems.Skipped + _problems.Repaired;
        var identity = Accept(e.Object, (e.Identity, e.Problem), out var obj);
        if (_problems.Skipped + _problems.Repaired != skippedBefore)
        {
            var (reason, message) = _problems.Summary();
            _state.Set("Syncing", reason, message, _time.GetUtcNow());
        }

        if (identity is not var (ns, name, _) || Excluded(ns))
        {
            return;
        }

        if (e.Type == WatchEventType.Added)
        {
            _state.AddObjectCount(1);
        }
        else if (e.Type == WatchEventType.Deleted)
        {
            _state.AddObjectCount(-1);
        }

        await _events!.Writer.WriteAsync(new PendingEvent(e.Type, ns, name, obj), ct).ConfigureAwait(false);
    }

    void IReflectorHandler.OnWatchEnded(bool idle)
    {
        if (idle)
        {
            LogIdleWatch(_logger, _cluster, _resourceName);
        }

        // A watch that ends, cleanly or not, is often the first sign of a member going away: have the cluster
        // probed now rather than at the next interval (the request is rate limited).
        _connectionTrouble();
    }

    async ValueTask IReflectorHandler.OnWatchStoppedAsync(CancellationToken ct)
    {
        if (_events is null || _eventWriter is null)
        {
            return;
        }

        _events.Writer.TryComplete();
        var writer = _eventWriter;
        _events = null;
        _eventWriter = null;
        try
        {
            await writer.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Drains whatever events are ready (up to MaxBatch) and writes them in one transaction.</summary>
    private async Task WriteEventsAsync(ChannelReader<PendingEvent> reader, CancellationToken ct)
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
                var (ns, name) = (e.Namespace, e.Name);
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

            _writer.Metrics.Added(_cluster, _resourceName, added);
            _writer.Metrics.Updated(_cluster, _resourceName, updated);
            _writer.Metrics.Deleted(_cluster, _resourceName, deletes.Count);
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
    private (string Namespace, string Name, string ResourceVersion)? Accept(
        ReadOnlyMemory<byte> raw, (ObjectIdentity Identity, string? Problem)? read, out ReadOnlyMemory<byte> json)
    {
        var problem = MemberObjectCheck.Check(raw, read, out json, out var identity, out var repaired);
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

    /// <summary>A watch event accepted for storage: its identity and its (possibly repaired) bytes.</summary>
    private readonly record struct PendingEvent(WatchEventType Type, string Namespace, string Name, ReadOnlyMemory<byte> Object);

    /// <summary>What one list has seen so far.</summary>
    private sealed class ListProgress(IReadOnlyDictionary<(string Namespace, string Name), string> stored)
    {
        public IReadOnlyDictionary<(string Namespace, string Name), string> Stored { get; } = stored;

        public HashSet<(string, string)> Seen { get; } = [];

        public HashSet<(string, string)> SeenBeforeRestart { get; } = [];

        public long Added { get; set; }

        public long Updated { get; set; }

        public int Pages { get; set; }

        public int PagesWithoutNew { get; set; }
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
