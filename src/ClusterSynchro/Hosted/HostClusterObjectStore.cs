using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.Kube.Client;
using Clusterpedia.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Clusterpedia.ClusterSynchro.Hosted;

/// <summary>
/// The API object store of hosted mode: PediaClusters (cluster.clusterpedia.io/v1alpha2, and
/// clusters.clusterpedia.io/v1alpha1 when the host serves it) and ClusterSyncResources are custom resources of a host
/// cluster, list-watched into a cache that answers reads. Writes go to the host with PUT — the main resource for
/// spec and metadata, <c>/status</c> for status — guarded by resourceVersion (our revision); a 409 is an
/// <see cref="ApiObjectConflictException"/>. It adds the data finalizer to every PediaCluster, as our own API does on
/// create, so a deletion in the host waits until the synchro removed the cluster's data; and it reads the Secrets
/// of <c>spec.authenticationFrom</c> from the credential namespace.
/// </summary>
public sealed partial class HostClusterObjectStore : BackgroundService, IApiObjectStore, IClusterSecretSource
{
    private static readonly JsonSerializerOptions _json = new() { WriteIndented = false };

    private readonly Func<CancellationToken, Task<KubeClientOptions>> _connect;
    private readonly HostClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<KubeClient> _client = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HostCollection _clusters;
    private readonly HostCollection _legacyClusters;
    private readonly HostCollection _syncResources;
    private readonly Channel<bool> _finalizerWake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyDictionary<string, string>? Data)> _secrets = new(StringComparer.Ordinal);
    private KubeClient? _connected;

    /// <summary>
    /// <paramref name="connect"/> gives the host's connection (e.g. loaded from a kubeconfig file); it is retried with
    /// backoff until it succeeds.
    /// </summary>
    public HostClusterObjectStore(
        Func<CancellationToken, Task<KubeClientOptions>> connect, IOptions<HostClusterOptions> options, TimeProvider time, ILogger<HostClusterObjectStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connect = connect;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _clusters = new HostCollection(PediaClusterResource.Group, PediaClusterResource.Version, PediaClusterResource.Resource,
            PediaClusterResource.StorageKey, o => o, o => o);
        _legacyClusters = new HostCollection(PediaClusterResource.LegacyGroup, PediaClusterResource.LegacyVersion, PediaClusterResource.Resource,
            PediaClusterResource.StorageKey, PediaClusterConversion.ToV1Alpha2, PediaClusterConversion.ToV1Alpha1);
        _syncResources = new HostCollection(PediaClusterResource.Group, PediaClusterResource.Version, PediaClusterResource.SyncResourcesResource,
            PediaClusterResource.SyncResourcesStorageKey, o => o, o => o);
        _clusters.Changed += OnClustersChanged;
        _legacyClusters.Changed += OnClustersChanged;
        _syncResources.Changed += () => Changed?.Invoke(PediaClusterResource.SyncResourcesStorageKey);
    }

    public event Action<string>? Changed;

    public string Namespace => _options.SecretNamespace;

    /// <summary>Completes once every custom resource of the host was listed once (or found not served).</summary>
    public Task WhenSyncedAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_clusters.Synced, _legacyClusters.Synced, _syncResources.Synced).WaitAsync(cancellationToken);

    public async Task<ApiObject?> GetAsync(string resource, string name, CancellationToken cancellationToken)
    {
        await SyncedAsync(cancellationToken).ConfigureAwait(false);
        return Find(resource, name)?.ToApiObject();
    }

    public async Task<IReadOnlyList<ApiObject>> ListAsync(string resource, CancellationToken cancellationToken)
    {
        await SyncedAsync(cancellationToken).ConfigureAwait(false);
        var byName = new SortedDictionary<string, HostEntry>(StringComparer.Ordinal);
        foreach (var collection in Collections(resource).Reverse())
        {
            // The current group is read last so that it wins when both groups hold the same name.
            foreach (var entry in collection.All())
            {
                byName[entry.Name] = entry;
            }
        }

        return [.. byName.Values.Select(e => e.ToApiObject())];
    }

    public async Task<ApiObject> CreateAsync(string resource, string name, ReadOnlyMemory<byte> obj, CancellationToken cancellationToken)
    {
        var collection = Collections(resource).FirstOrDefault() ?? throw new NotSupportedException($"the host cluster holds no {resource}");
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var desired = JsonNode.Parse(obj.Span)!.AsObject();
        var body = HostForm(collection, desired, name, revision: null);
        try
        {
            var created = collection.Apply(await client.PostRawAsync(collection.CollectionPath, Bytes(body), cancellationToken).ConfigureAwait(false))!;
            if (collection.HasStatusSubresource && desired["status"] is not null)
            {
                // Status given on create is dropped by the host when the CRD has a status subresource.
                body = HostForm(collection, desired, name, created.Revision);
                created = collection.Apply(await client.PutRawAsync(collection.ObjectPath(name) + "/status", Bytes(body), cancellationToken).ConfigureAwait(false))!;
            }

            return created.ToApiObject();
        }
        catch (KubeApiException e) when (e.StatusCode == 409)
        {
            throw new ApiObjectConflictException(e.StatusMessage ?? e.Message, alreadyExists: true);
        }
    }

    public async Task<ApiObject> UpdateAsync(string resource, string name, ReadOnlyMemory<byte> obj, long? expectedRevision, CancellationToken cancellationToken)
    {
        await SyncedAsync(cancellationToken).ConfigureAwait(false);
        var entry = Find(resource, name) ?? throw new ApiObjectNotFoundException($"{resource} \"{name}\" not found");
        if (expectedRevision is { } expected && expected != entry.Revision)
        {
            throw new ApiObjectConflictException($"{resource} \"{name}\" has been modified: revision {entry.Revision}, not {expected}");
        }

        var collection = entry.Source;
        var current = entry.Parse();
        var desired = JsonNode.Parse(obj.Span)!.AsObject();
        if (current["metadata"]?["deletionTimestamp"] is null && desired["metadata"]?["deletionTimestamp"] is not null)
        {
            // Setting deletionTimestamp is how our store marks a deletion; a Kubernetes server only marks it on DELETE.
            await DeleteAsync(resource, name, cancellationToken).ConfigureAwait(false);
            return (Find(resource, name) ?? entry).ToApiObject();
        }

        var statusChanged = !JsonNode.DeepEquals(current["status"], desired["status"]);
        var mainChanged = !JsonNode.DeepEquals(WithoutStatus(current), WithoutStatus(desired));
        if (!statusChanged && !mainChanged)
        {
            return entry.ToApiObject();
        }

        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var revision = entry.Revision;
        try
        {
            if (mainChanged || !collection.HasStatusSubresource)
            {
                var answer = await client.PutRawAsync(collection.ObjectPath(name), Bytes(HostForm(collection, desired, name, revision)), cancellationToken).ConfigureAwait(false);
                if (TakeAnswer(collection, answer) is not { } written)
                {
                    // The write removed the last finalizer of a deleted object: it is gone.
                    return entry.ToApiObject();
                }

                entry = written;
                revision = entry.Revision;
            }

            if (statusChanged && collection.HasStatusSubresource)
            {
                var answer = await client.PutRawAsync(collection.ObjectPath(name) + "/status", Bytes(HostForm(collection, desired, name, revision)), cancellationToken).ConfigureAwait(false);
                entry = TakeAnswer(collection, answer) ?? entry;
            }

            return entry.ToApiObject();
        }
        catch (KubeApiException e) when (e.StatusCode == 409)
        {
            throw new ApiObjectConflictException(e.StatusMessage ?? e.Message);
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            throw new ApiObjectNotFoundException(e.StatusMessage ?? e.Message);
        }
    }

    /// <summary>
    /// Deletes the object in the host. When finalizers hold it there, our data finalizer is removed as well (the caller
    /// has removed the cluster's data: that is what deleting through this store means); others keep holding it.
    /// </summary>
    public async Task<bool> DeleteAsync(string resource, string name, CancellationToken cancellationToken)
    {
        var collections = Collections(resource).ToList();
        if (collections.Count == 0)
        {
            return false;
        }

        await SyncedAsync(cancellationToken).ConfigureAwait(false);
        var collection = Find(resource, name)?.Source ?? collections[0];
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await GetFromHostAsync(client, collection, name, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                collection.Remove(name, long.MaxValue);
                return attempt > 0;
            }

            var metadata = current["metadata"] as JsonObject ?? [];
            try
            {
                if (metadata["deletionTimestamp"] is null)
                {
                    var answer = await client.DeleteRawAsync(collection.ObjectPath(name), cancellationToken).ConfigureAwait(false);
                    TakeAnswer(collection, answer);
                    continue;
                }

                var finalizers = metadata["finalizers"] as JsonArray ?? [];
                var remaining = finalizers.Where(f => JsonFields.Text(f) != PediaClusterResource.Finalizer).Select(f => f?.DeepClone()).ToList();
                if (remaining.Count == finalizers.Count)
                {
                    return true;
                }

                metadata["finalizers"] = new JsonArray([.. remaining]);
                var updated = await client.PutRawAsync(collection.ObjectPath(name), Bytes(current), cancellationToken).ConfigureAwait(false);
                TakeAnswer(collection, updated);
                return true;
            }
            catch (KubeApiException e) when (e.StatusCode is 404 or 409)
            {
                // Gone or changed meanwhile: look again.
            }
        }

        return true;
    }

    public async Task<IReadOnlyDictionary<string, string>?> GetSecretDataAsync(string name, CancellationToken cancellationToken)
    {
        // The manager reconciles on every write of a PediaCluster, our own status writes included: a short cache keeps
        // that from becoming a stream of Secret reads, and still lets a new or rotated Secret in within seconds.
        var now = _time.GetUtcNow();
        if (_secrets.TryGetValue(name, out var cached) && now - cached.At < _options.SecretCacheDuration)
        {
            return cached.Data;
        }

        var data = await ReadSecretAsync(name, cancellationToken).ConfigureAwait(false);
        _secrets[name] = (now, data);
        return data;
    }

    private async Task<IReadOnlyDictionary<string, string>?> ReadSecretAsync(string name, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        byte[] body;
        try
        {
            body = await client.GetRawAsync($"/api/v1/namespaces/{Uri.EscapeDataString(_options.SecretNamespace)}/secrets/{Uri.EscapeDataString(name)}", cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            return null;
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(body);
        if (doc.RootElement.TryGetProperty("data", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in values.EnumerateObject())
            {
                data[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : "";
            }
        }

        return data;
    }

    public override void Dispose()
    {
        base.Dispose();
        _connected?.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = await ConnectAsync(stoppingToken).ConfigureAwait(false);
        _connected = client;
        _client.TrySetResult(client);
        await Task.WhenAll(
            _clusters.RunAsync(client, _options, _time, _logger, stoppingToken),
            _legacyClusters.RunAsync(client, _options, _time, _logger, stoppingToken),
            _syncResources.RunAsync(client, _options, _time, _logger, stoppingToken),
            AddFinalizersAsync(client, stoppingToken)).ConfigureAwait(false);
    }

    private async Task<KubeClient> ConnectAsync(CancellationToken ct) =>
        await Backoff().ExecuteAsync(
            static async (self, ct) =>
            {
                try
                {
                    return new KubeClient(await self._connect(ct).ConfigureAwait(false), self._time);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogConnectFailed(self._logger, e);
                    throw;
                }
            },
            this,
            ct).ConfigureAwait(false);

    /// <summary>Adds the data finalizer to PediaClusters that lack it, whenever PediaClusters change.</summary>
    private async Task AddFinalizersAsync(KubeClient client, CancellationToken ct)
    {
        var backoff = Backoff();
        try
        {
            await foreach (var _ in _finalizerWake.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await backoff.ExecuteAsync(static (s, ct) => new ValueTask(s.self.AddMissingFinalizersAsync(s.client, ct)), (self: this, client), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over the cached PediaClusters; a failure is logged and thrown to the backoff, which repeats the pass.</summary>
    private async Task AddMissingFinalizersAsync(KubeClient client, CancellationToken ct)
    {
        try
        {
            foreach (var entry in _clusters.All().Concat(_legacyClusters.All()))
            {
                var obj = entry.Parse();
                if (obj["metadata"] is not JsonObject metadata || metadata["deletionTimestamp"] is not null
                    || (metadata["finalizers"] as JsonArray)?.Any(f => JsonFields.Text(f) == PediaClusterResource.Finalizer) == true)
                {
                    continue;
                }

                var finalizers = metadata["finalizers"] as JsonArray ?? [];
                finalizers.Add(PediaClusterResource.Finalizer);
                metadata["finalizers"] = finalizers;
                try
                {
                    var answer = await client.PutRawAsync(entry.Source.ObjectPath(entry.Name), Bytes(HostForm(entry.Source, obj, entry.Name, entry.Revision)), ct).ConfigureAwait(false);
                    TakeAnswer(entry.Source, answer);
                }
                catch (KubeApiException e) when (e.StatusCode is 404 or 409)
                {
                    // Changed or gone meanwhile: the watch event that follows brings us back here.
                }
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogFinalizerFailed(_logger, e);
            throw;
        }
    }

    private void OnClustersChanged()
    {
        _finalizerWake.Writer.TryWrite(true);
        Changed?.Invoke(PediaClusterResource.StorageKey);
    }

    private IEnumerable<HostCollection> Collections(string resource) => resource switch
    {
        PediaClusterResource.StorageKey => [_clusters, _legacyClusters],
        PediaClusterResource.SyncResourcesStorageKey => [_syncResources],
        _ => [],
    };

    private HostEntry? Find(string resource, string name) =>
        Collections(resource).Select(c => c.Get(name)).FirstOrDefault(e => e is not null);

    private async Task SyncedAsync(CancellationToken ct)
    {
        try
        {
            await WhenSyncedAsync(ct).WaitAsync(_options.HostSyncTimeout, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            var why = new[] { _clusters, _legacyClusters, _syncResources }.Select(c => c.LastError).FirstOrDefault(m => m is not null);
            throw new TimeoutException($"the custom resources of the host cluster are not listed yet{(why is null ? "" : ": " + why)}", e);
        }
    }

    /// <summary>The client of the host cluster, once its kubeconfig loaded (sharding's Lease objects use it too).</summary>
    internal Task<KubeClient> HostClientAsync(CancellationToken ct) => ClientAsync(ct);

    private async Task<KubeClient> ClientAsync(CancellationToken ct)
    {
        try
        {
            return await _client.Task.WaitAsync(_options.HostSyncTimeout, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException("the host cluster cannot be reached: its kubeconfig did not load", e);
        }
    }

    private static async Task<JsonObject?> GetFromHostAsync(KubeClient client, HostCollection collection, string name, CancellationToken ct)
    {
        try
        {
            return JsonNode.Parse(await client.GetRawAsync(collection.ObjectPath(name), ct).ConfigureAwait(false)) as JsonObject;
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Takes the host's answer to a write into the cache (so a read right after sees it); an object deleted by the
    /// write (deletionTimestamp and no finalizers left) or a Status leaves the cache.
    /// </summary>
    private static HostEntry? TakeAnswer(HostCollection collection, byte[] answer)
    {
        if (Gone(answer))
        {
            if (JsonFields.Text(JsonNode.Parse(answer), "metadata", "name") is { } name)
            {
                collection.Remove(name, long.MaxValue);
            }

            return null;
        }

        return collection.Apply(answer);
    }

    private static bool Gone(byte[] answer)
    {
        var obj = JsonNode.Parse(answer) as JsonObject;
        return JsonFields.Text(obj, "kind") == "Status"
            || (JsonFields.Object(obj, "metadata") is { } metadata && metadata["deletionTimestamp"] is not null
                && metadata["finalizers"] is not JsonArray { Count: > 0 });
    }

    /// <summary>The object as the host takes it: its group's form, the name, and the resourceVersion to guard the write with.</summary>
    private static JsonObject HostForm(HostCollection collection, JsonObject stored, string name, long? revision)
    {
        var obj = collection.FromStorage(stored);
        obj["apiVersion"] = collection.ApiVersion;
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        metadata["name"] = name;
        if (revision is { } r and > 0)
        {
            metadata["resourceVersion"] = r.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            metadata.Remove("resourceVersion");
        }

        return obj;
    }

    private static JsonObject WithoutStatus(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("status");
        (copy["metadata"] as JsonObject)?.Remove("resourceVersion");
        return copy;
    }

    private static byte[] Bytes(JsonObject obj) => JsonSerializer.SerializeToUtf8Bytes(obj, _json);

    private ResiliencePipeline Backoff() => RetryBackoff.Create(TimeSpan.FromMilliseconds(250), _options.HostMaxBackoff, _time);

    [LoggerMessage(EventId = 410, Level = LogLevel.Error, Message = "Host cluster: cannot load its connection; retrying")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "Host cluster: adding the data finalizer to PediaClusters failed; retrying")]
    private static partial void LogFinalizerFailed(ILogger logger, Exception exception);
}
