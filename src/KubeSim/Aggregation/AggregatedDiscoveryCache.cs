using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Aggregation;

/// <summary>
/// The last aggregated-discovery entry (one APIVersionDiscovery) fetched from each APIService's backend. When a
/// refresh fails the old entry stays, marked <c>freshness: Stale</c>, as kube-aggregator's discovery manager does.
/// </summary>
internal sealed class AggregatedDiscoveryCache
{
    private readonly ConcurrentDictionary<string, JsonObject> _entries = new(StringComparer.Ordinal);

    /// <summary>A copy of the entry for the APIService, or null when none was ever fetched.</summary>
    public JsonObject? Get(string apiServiceName) =>
        _entries.TryGetValue(apiServiceName, out var entry) ? entry.DeepClone().AsObject() : null;

    public void Set(string apiServiceName, JsonObject versionEntry)
    {
        versionEntry["freshness"] = "Current";
        _entries[apiServiceName] = versionEntry;
    }

    public void MarkStale(string apiServiceName)
    {
        if (_entries.TryGetValue(apiServiceName, out var entry))
        {
            var stale = entry.DeepClone().AsObject();
            stale["freshness"] = "Stale";
            _entries[apiServiceName] = stale;
        }
    }

    /// <summary>Forgets APIServices that no longer exist.</summary>
    public void Retain(IReadOnlySet<string> names)
    {
        foreach (var name in _entries.Keys.Where(n => !names.Contains(n)).ToList())
        {
            _entries.TryRemove(name, out _);
        }
    }
}
