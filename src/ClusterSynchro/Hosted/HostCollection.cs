using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.Kube.Client;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Hosted;

/// <summary>
/// An informer over one custom resource of the host cluster: discovers whether the host serves it (and its status
/// subresource), lists and watches it through the <see cref="Reflector"/>, and keeps the objects in the storage form
/// (v1alpha2, without resourceVersion) by name.
/// </summary>
internal sealed partial class HostCollection
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<string, HostEntry> _items = new(StringComparer.Ordinal);

    public HostCollection(string group, string version, string resource, string storageKey, Func<JsonObject, JsonObject> toStorage, Func<JsonObject, JsonObject> fromStorage)
    {
        Group = group;
        Version = version;
        Resource = resource;
        StorageKey = storageKey;
        ToStorage = toStorage;
        FromStorage = fromStorage;
    }

    public string Group { get; }

    public string Version { get; }

    public string Resource { get; }

    /// <summary>The key of the API object store the objects appear under.</summary>
    public string StorageKey { get; }

    /// <summary>Host form → storage form.</summary>
    public Func<JsonObject, JsonObject> ToStorage { get; }

    /// <summary>Storage form → host form.</summary>
    public Func<JsonObject, JsonObject> FromStorage { get; }

    public string CollectionPath => $"/apis/{Group}/{Version}/{Resource}";

    public string ApiVersion => $"{Group}/{Version}";

    /// <summary>False while the host does not serve the resource (its CRD is not installed).</summary>
    public bool Served { get; private set; }

    /// <summary>The host serves <c>/status</c> for the resource: the main resource then ignores status.</summary>
    public bool HasStatusSubresource { get; private set; }

    /// <summary>Completed once the first list (or the finding that the resource is not served) is in.</summary>
    public Task Synced => _synced.Task;

    /// <summary>The last failure of the loop, for messages while not synced.</summary>
    public string? LastError { get; private set; }

    /// <summary>Raised after the cached objects changed.</summary>
    public event Action? Changed;

    public string ObjectPath(string name) => $"{CollectionPath}/{Uri.EscapeDataString(name)}";

    public HostEntry? Get(string name)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(name);
        }
    }

    public List<HostEntry> All()
    {
        lock (_gate)
        {
            return [.. _items.Values];
        }
    }

    /// <summary>Takes in an object the host returned (a watch event or the answer to our own write) when it is newer than the cached one.</summary>
    public HostEntry? Apply(ReadOnlySpan<byte> hostJson) =>
        JsonNode.Parse(hostJson) is JsonObject obj ? Apply(obj) : null;

    private HostEntry? Apply(JsonObject hostObject)
    {
        if (Parse(hostObject) is not { } entry)
        {
            return null;
        }

        bool changed;
        lock (_gate)
        {
            var old = _items.GetValueOrDefault(entry.Name);
            changed = old is null || old.Revision < entry.Revision;
            if (changed)
            {
                _items[entry.Name] = entry;
            }
        }

        if (changed)
        {
            Changed?.Invoke();
        }

        return entry;
    }

    /// <summary>Forgets an object the host deleted (unless a newer state of it is cached).</summary>
    public void Remove(string name, long revision)
    {
        bool changed;
        lock (_gate)
        {
            changed = _items.TryGetValue(name, out var old) && old.Revision <= revision && _items.Remove(name);
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }

    public async Task RunAsync(KubeClient client, HostClusterOptions options, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var reflectorOptions = new ReflectorOptions
        {
            PageSize = 500,
            WatchTimeoutSeconds = options.HostWatchTimeoutSeconds,
            BackoffBase = TimeSpan.FromMilliseconds(250),
            MaxBackoff = options.HostMaxBackoff,
        };
        var reflector = new Reflector(client, CollectionPath, new Informer(this, client, logger), reflectorOptions, time);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // The run ends when the host does not serve the resource: look again after a while.
                await reflector.RunAsync(ct).ConfigureAwait(false);
                await Task.Delay(options.UnservedRecheckInterval, time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Whether the host serves the resource, from its group-version discovery document.</summary>
    private async Task<bool> DiscoverAsync(KubeClient client, CancellationToken ct)
    {
        byte[] body;
        try
        {
            body = await client.GetRawAsync($"/apis/{Group}/{Version}", ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            Served = false;
            return false;
        }

        using var doc = JsonDocument.Parse(body);
        var names = doc.RootElement.TryGetProperty("resources", out var resources) && resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray().Select(r => r.TryGetProperty("name", out var n) ? n.GetString() : null).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        Served = names.Contains(Resource);
        HasStatusSubresource = names.Contains(Resource + "/status");
        return Served;
    }

    /// <summary>Applies one watch event.</summary>
    private void OnEvent(ReflectedEvent e)
    {
        switch (e.Type)
        {
            case WatchEventType.Added or WatchEventType.Modified:
                Apply(e.Object.Span);
                break;
            case WatchEventType.Deleted when e.Identity.Name.Length > 0:
                Remove(e.Identity.Name, ParseRevision(e.Identity.ResourceVersion));
                break;
        }
    }

    /// <summary>Swaps in a fresh list: what is gone is dropped, as a relist must.</summary>
    private void Replace(Dictionary<string, HostEntry> items)
    {
        bool changed;
        lock (_gate)
        {
            changed = items.Count != _items.Count
                || items.Any(kv => !_items.TryGetValue(kv.Key, out var old) || old.Revision != kv.Value.Revision);
            _items = items;
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }

    private HostEntry? Parse(JsonObject hostObject)
    {
        if (hostObject["metadata"] is not JsonObject metadata || JsonFields.Text(metadata["name"]) is not { Length: > 0 } name)
        {
            return null;
        }

        var revision = ParseRevision(JsonFields.Text(metadata["resourceVersion"]));
        var stored = ToStorage(hostObject);
        (stored["metadata"] as JsonObject)?.Remove("resourceVersion");
        return new HostEntry(this, name, revision, JsonSerializer.SerializeToUtf8Bytes(stored));
    }

    /// <summary>The host's resourceVersion as our revision; etcd-backed servers use the store revision, a number.</summary>
    internal static long ParseRevision(string? rv) =>
        long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>What a list and an event of the host's collection mean for the cache.</summary>
    private sealed class Informer(HostCollection owner, KubeClient client, ILogger logger) : IReflectorHandler
    {
        private Dictionary<string, HostEntry> _listed = new(StringComparer.Ordinal);

        async ValueTask<bool> IReflectorHandler.StartListAsync(CancellationToken cancellationToken)
        {
            if (!await owner.DiscoverAsync(client, cancellationToken).ConfigureAwait(false))
            {
                owner.Replace([]);
                owner._synced.TrySetResult();
                return false;
            }

            _listed = new Dictionary<string, HostEntry>(StringComparer.Ordinal);
            return true;
        }

        ValueTask IReflectorHandler.OnPageAsync(ListPage page, CancellationToken cancellationToken)
        {
            if (page.IsRestart)
            {
                _listed.Clear();
            }

            foreach (var item in page.Items)
            {
                if (JsonNode.Parse(item.Span) is JsonObject obj && owner.Parse(obj) is { } entry)
                {
                    _listed[entry.Name] = entry;
                }
            }

            return ValueTask.CompletedTask;
        }

        ValueTask IReflectorHandler.OnListedAsync(CancellationToken cancellationToken)
        {
            owner.Replace(_listed);
            owner._synced.TrySetResult();
            owner.LastError = null;
            return ValueTask.CompletedTask;
        }

        ValueTask IReflectorHandler.OnEventAsync(ReflectedEvent watchEvent, CancellationToken cancellationToken)
        {
            owner.OnEvent(watchEvent);
            return ValueTask.CompletedTask;
        }

        // The watch fell behind the host's history: list again, at once.
        void IReflectorHandler.OnExpired() => LogRelist(logger, owner.CollectionPath);

        ReflectorErrorAction IReflectorHandler.OnError(Exception exception)
        {
            owner.LastError = exception.Message;
            LogFailed(logger, owner.CollectionPath, exception);
            return ReflectorErrorAction.Backoff;
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Host cluster: list/watch of {Path} failed; retrying")]
    private static partial void LogFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Host cluster: the watch of {Path} expired; listing again")]
    private static partial void LogRelist(ILogger logger, string path);
}
