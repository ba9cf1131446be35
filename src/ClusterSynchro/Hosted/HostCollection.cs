using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.Kube.Client;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Hosted;

/// <summary>
/// An informer over one custom resource of the host cluster: discovers whether the host serves it (and its status
/// subresource), lists it, watches from the list's resourceVersion with bookmarks, relists on 410 and after errors
/// (with backoff), and keeps the objects in the storage form (v1alpha2, without resourceVersion) by name.
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
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await DiscoverAsync(client, ct).ConfigureAwait(false))
                {
                    Replace([]);
                    _synced.TrySetResult();
                    failures = 0;
                    await Task.Delay(options.UnservedRecheckInterval, time, ct).ConfigureAwait(false);
                    continue;
                }

                var rv = await ListAsync(client, ct).ConfigureAwait(false);
                _synced.TrySetResult();
                LastError = null;
                failures = 0;
                while (!ct.IsCancellationRequested)
                {
                    var request = new WatchRequest { ResourceVersion = rv, AllowWatchBookmarks = true, TimeoutSeconds = options.HostWatchTimeoutSeconds };
                    await foreach (var e in client.WatchAsync(CollectionPath, request, ct).ConfigureAwait(false))
                    {
                        rv = OnEvent(e) ?? rv;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.IsExpired)
            {
                // The watch fell behind the host's history: list again, at once.
                LogRelist(logger, CollectionPath);
            }
            catch (Exception e)
            {
                failures++;
                LastError = e.Message;
                LogFailed(logger, CollectionPath, e);
                var ms = Math.Min(options.HostMaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 10)));
                await Task.Delay(TimeSpan.FromMilliseconds(ms / 2 + (Random.Shared.NextDouble() * ms / 2)), time, ct).ConfigureAwait(false);
            }
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

    private async Task<string> ListAsync(KubeClient client, CancellationToken ct)
    {
        var items = new Dictionary<string, HostEntry>(StringComparer.Ordinal);
        var rv = "";
        await foreach (var page in client.ListAllPagesAsync(CollectionPath, new ListRequest { Limit = 500 }, ct).ConfigureAwait(false))
        {
            if (page.IsRestart)
            {
                items.Clear();
            }

            foreach (var item in page.Items)
            {
                if (JsonNode.Parse(item.Span) is JsonObject obj && Parse(obj) is { } entry)
                {
                    items[entry.Name] = entry;
                }
            }

            rv = page.ResourceVersion;
        }

        Replace(items);
        return rv;
    }

    /// <summary>Applies one watch event; returns the resourceVersion to resume from.</summary>
    private string? OnEvent(WatchEvent e)
    {
        if (JsonNode.Parse(e.Object.Span) is not JsonObject obj)
        {
            return null;
        }

        var rv = JsonFields.Text(obj, "metadata", "resourceVersion");
        switch (e.Type)
        {
            case WatchEventType.Added or WatchEventType.Modified:
                Apply(obj);
                break;
            case WatchEventType.Deleted:
                if (JsonFields.Text(obj, "metadata", "name") is { } name)
                {
                    Remove(name, ParseRevision(rv));
                }

                break;
        }

        return string.IsNullOrEmpty(rv) ? null : rv;
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

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Host cluster: list/watch of {Path} failed; retrying")]
    private static partial void LogFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Host cluster: the watch of {Path} expired; listing again")]
    private static partial void LogRelist(ILogger logger, string path);
}
