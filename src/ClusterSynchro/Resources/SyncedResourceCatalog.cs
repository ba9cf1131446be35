using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Clusterpedia.ClusterSynchro.Resources;

/// <summary>
/// The resources each cluster currently syncs. Cluster synchros publish here (and, through
/// <see cref="SyncState.SyncedResourcePublisher"/>, to the database); the API server reads it to answer discovery and
/// to resolve request paths (an API-only process fills it from the database). Snapshots are immutable so readers
/// never lock.
/// </summary>
public sealed class SyncedResourceCatalog
{
    private readonly ConcurrentDictionary<string, ImmutableArray<SyncedResource>> _byCluster = new(StringComparer.Ordinal);

    /// <summary>Raised with the cluster's name after its resources were set or removed.</summary>
    public event Action<string>? Changed;

    public void Set(string cluster, IEnumerable<SyncedResource> resources)
    {
        _byCluster[cluster] = [.. resources];
        Changed?.Invoke(cluster);
    }

    public void Remove(string cluster)
    {
        _byCluster.TryRemove(cluster, out _);
        Changed?.Invoke(cluster);
    }

    /// <summary>The resources of one cluster; false when the cluster has none set (not the same as an empty set).</summary>
    public bool TryGet(string cluster, out IReadOnlyList<SyncedResource> resources)
    {
        var found = _byCluster.TryGetValue(cluster, out var one);
        resources = found ? one : [];
        return found;
    }

    public IReadOnlyCollection<string> Clusters => [.. _byCluster.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The resources of one cluster, or the union across clusters (first seen wins) when cluster is null.</summary>
    public IReadOnlyList<SyncedResource> For(string? cluster)
    {
        if (cluster is not null)
        {
            return _byCluster.TryGetValue(cluster, out var one) ? one : [];
        }

        var seen = new Dictionary<(string, string, string), SyncedResource>();
        foreach (var name in _byCluster.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var r in _byCluster[name])
            {
                seen.TryAdd((r.Resource.Group, r.Resource.Version, r.Resource.Resource), r);
            }
        }

        return [.. seen.Values.OrderBy(r => r.Resource.Group, StringComparer.Ordinal).ThenBy(r => r.Resource.Version, StringComparer.Ordinal).ThenBy(r => r.Resource.Resource, StringComparer.Ordinal)];
    }

    public SyncedResource? Find(string? cluster, string group, string version, string resource)
    {
        foreach (var r in For(cluster))
        {
            if (r.Resource.Group == group && r.Resource.Version == version && r.Resource.Resource == resource)
            {
                return r;
            }
        }

        return null;
    }
}
