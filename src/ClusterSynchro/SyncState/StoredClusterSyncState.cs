using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.SyncState;

/// <summary>
/// The sync state of an API-only process, which runs no synchro: readiness from the Ready condition the synchros
/// wrote into each PediaCluster's status, and the <see cref="SyncedResourceCatalog"/> filled from the rows
/// <see cref="SyncedResourcePublisher"/> wrote into the database. Both are read every
/// <see cref="SynchroOptions.StorePollInterval"/> (and at once when this process sees a write), so what this process
/// answers trails the synchro process by about that interval.
/// </summary>
public sealed partial class StoredClusterSyncState(
    IApiObjectStore objects,
    IDatabaseObjectStore database,
    SyncedResourceCatalog catalog,
    IOptions<SynchroOptions> options,
    TimeProvider time,
    ILogger<StoredClusterSyncState> logger) : StoreFollower(options.Value.StorePollInterval, time, objects, database), IClusterSyncState
{
    private readonly HashSet<string> _everReady = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _rowRevisions = new(StringComparer.Ordinal);
    private volatile State? _state;

    /// <inheritdoc/>
    /// <remarks>
    /// Settled, per PediaCluster not being deleted: Ready now or once since this process started, or its status says
    /// it is invalid (Validated False) or unreachable (ClusterHealthy False), as the synchro process judges it.
    /// </remarks>
    public bool InitialSyncDone => _state?.InitialSyncDone ?? false;

    /// <inheritdoc/>
    public IReadOnlyList<string> NotReadyClusters() => _state is { } state ? state.NotReady : [];

    protected override bool Follows(string resource) => resource is PediaClusterResource.StorageKey or SyncedResourcePublisher.StorageKey;

    protected override void RefreshFailed(Exception exception) => LogRefreshFailed(logger, exception);

    protected override async Task RefreshAsync(CancellationToken ct)
    {
        var clusters = await objects.ListAsync(PediaClusterResource.StorageKey, ct).ConfigureAwait(false);
        var notReady = new List<string>();
        var allSettled = true;
        foreach (var cluster in clusters)
        {
            var (deleting, conditions) = Read(cluster);
            if (deleting)
            {
                continue;
            }

            var ready = conditions.GetValueOrDefault("Ready") == "True";
            if (ready)
            {
                _everReady.Add(cluster.Name);
            }
            else
            {
                notReady.Add(cluster.Name);
            }

            allSettled &= ready || _everReady.Contains(cluster.Name)
                || conditions.GetValueOrDefault("Validated") == "False" || conditions.GetValueOrDefault("ClusterHealthy") == "False";
        }

        var names = clusters.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        _everReady.IntersectWith(names);
        await RefreshCatalogAsync(names, ct).ConfigureAwait(false);
        _state = new State(allSettled, [.. notReady.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Sets the catalog from the published rows of existing PediaClusters, parsing only rows that changed.</summary>
    private async Task RefreshCatalogAsync(HashSet<string> clusters, CancellationToken ct)
    {
        var rows = await database.ListAsync(SyncedResourcePublisher.StorageKey, ct).ConfigureAwait(false);
        var published = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => clusters.Contains(r.Name)))
        {
            published.Add(row.Name);
            if (_rowRevisions.TryGetValue(row.Name, out var revision) && revision == row.Revision)
            {
                continue;
            }

            try
            {
                catalog.Set(row.Name, SyncedResourcePublisher.Read(row));
                _rowRevisions[row.Name] = row.Revision;
            }
            catch (JsonException e)
            {
                LogRowUnreadable(logger, row.Name, e);
            }
        }

        foreach (var gone in catalog.Clusters.Where(c => !published.Contains(c)))
        {
            catalog.Remove(gone);
            _rowRevisions.Remove(gone);
        }
    }

    private static (bool Deleting, Dictionary<string, string> Conditions) Read(ApiObject cluster)
    {
        var conditions = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(cluster.Object.Span);
        }
        catch (JsonException)
        {
            return (false, conditions);
        }

        if (JsonFields.Object(root, "metadata")?["deletionTimestamp"] is not null)
        {
            return (true, conditions);
        }

        if (JsonFields.Object(root, "status")?["conditions"] is JsonArray array)
        {
            foreach (var c in array)
            {
                if (JsonFields.Text(c, "type") is { } type && JsonFields.Text(c, "status") is { } status)
                {
                    conditions[type] = status;
                }
            }
        }

        return (false, conditions);
    }

    private sealed record State(bool InitialSyncDone, ImmutableArray<string> NotReady);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Reading the sync state from the store failed; trying again on the next poll")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Cluster {Cluster}: its published synced resources are unreadable; keeping what was read before")]
    private static partial void LogRowUnreadable(ILogger logger, string cluster, Exception exception);
}
