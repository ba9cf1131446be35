using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube.Client;
using Clusterpedia.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.SyncState;

/// <summary>
/// Copies the synchros' <see cref="SyncedResourceCatalog"/> into the database, one row per cluster, so API-only
/// processes on the same database answer discovery and resolve search paths exactly as this process would (kinds,
/// short names, categories and a CRD's printer columns included; a PediaCluster's status carries only some of that).
/// Rows are written after each change of a cluster's set and deleted when the cluster is removed; they outlive a
/// restart of the synchro process on purpose, so searches keep working while it comes back.
/// </summary>
public sealed partial class SyncedResourcePublisher(
    SyncedResourceCatalog catalog, IDatabaseObjectStore store, TimeProvider time, ILogger<SyncedResourcePublisher> logger) : BackgroundService
{
    /// <summary>The database key of the rows; not one of our served resources, so never visible through the API.</summary>
    public const string StorageKey = "syncedresources.internal.clusterpedia.io";

    private readonly ConcurrentDictionary<string, bool> _dirty = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Reads one row back: the resources of the cluster it is named after.</summary>
    public static IReadOnlyList<SyncedResource> Read(ApiObject row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var document = JsonSerializer.Deserialize(row.Object.Span, SyncStateJsonContext.Default.SyncedResourceDocument);
        return document?.Resources is { } resources ? [.. resources.Select(r => r.ToSyncedResource())] : [];
    }

    /// <summary>
    /// Listens before returning (ExecuteAsync runs on its own, later), and queues what the catalog already holds, so
    /// no set is missed whatever starts first.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.Changed += OnChanged;
        foreach (var cluster in catalog.Clusters)
        {
            OnChanged(cluster);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = RetryBackoff.Create(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), time);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _signal.Reader.ReadAsync(stoppingToken).ConfigureAwait(false);
                foreach (var cluster in _dirty.Keys)
                {
                    _dirty.TryRemove(cluster, out _);

                    // A database that fails fails for every cluster: retry this one until it is written, then go on.
                    await backoff.ExecuteAsync(
                        async token =>
                        {
                            try
                            {
                                await WriteAsync(cluster, token).ConfigureAwait(false);
                            }
                            catch (Exception e) when (e is not OperationCanceledException)
                            {
                                LogPublishFailed(logger, cluster, e);
                                throw;
                            }
                        },
                        stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            catalog.Changed -= OnChanged;
        }
    }

    private void OnChanged(string cluster)
    {
        _dirty[cluster] = true;
        _signal.Writer.TryWrite(true);
    }

    private async Task WriteAsync(string cluster, CancellationToken ct)
    {
        if (!catalog.TryGet(cluster, out var resources))
        {
            await store.DeleteAsync(StorageKey, cluster, ct).ConfigureAwait(false);
            return;
        }

        var document = new SyncedResourceDocument([.. resources.Select(SyncedResourceRow.From)]);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, SyncStateJsonContext.Default.SyncedResourceDocument);
        try
        {
            await store.UpdateAsync(StorageKey, cluster, bytes, expectedRevision: null, ct).ConfigureAwait(false);
        }
        catch (ApiObjectNotFoundException)
        {
            await store.CreateAsync(StorageKey, cluster, bytes, ct).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Cluster {Cluster}: publishing its synced resources to the database failed; retrying")]
    private static partial void LogPublishFailed(ILogger logger, string cluster, Exception exception);
}
