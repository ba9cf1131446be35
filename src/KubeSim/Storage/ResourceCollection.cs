namespace Clusterpedia.KubeSim.Storage;

/// <summary>
/// The objects of one group-resource, multi-versioned like etcd's MVCC keyspace: each key keeps the revisions still
/// inside the history window (newest first, chained through <see cref="ObjectVersion.Previous"/>, so an object that
/// does not change costs no list), and a paged list can be served at the resourceVersion of its first page. Keys sort
/// ordinally (namespace/name), the order etcd and kube-apiserver list in. Not thread-safe: the store serialises access.
/// </summary>
internal sealed class ResourceCollection
{
    // Bigger than any valid key, used as the open upper bound of a range.
    private const string _maxKey = "\uffff";

    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ObjectVersion> _versions = new(StringComparer.Ordinal);

    public int LiveCount { get; private set; }

    public ObjectVersion? Latest(string key) =>
        _versions.TryGetValue(key, out var latest) && !latest.Deleted ? latest : null;

    public void Append(ObjectVersion version)
    {
        var wasLive = false;
        if (_versions.TryGetValue(version.Key, out var previous))
        {
            wasLive = !previous.Deleted;
            version.Previous = previous;
        }
        else
        {
            _keys.Add(version.Key);
        }

        _versions[version.Key] = version;
        LiveCount += (version.Deleted ? 0 : 1) - (wasLive ? 1 : 0);
    }

    /// <summary>Forgets revisions no reader can ask for any more: those superseded at or before <paramref name="compactedRv"/>.</summary>
    public void Prune(string key, long compactedRv)
    {
        if (!_versions.TryGetValue(key, out var latest))
        {
            return;
        }

        // Keep every revision after the compaction point and the one that was current at it; drop the rest.
        var version = latest;
        while (version is not null && version.ResourceVersion > compactedRv)
        {
            version = version.Previous;
        }

        if (version is not null)
        {
            version.Previous = null;
        }

        if (ReferenceEquals(version, latest) && latest.Deleted)
        {
            _versions.Remove(key);
            _keys.Remove(key);
        }
    }

    public void PruneAll(long compactedRv)
    {
        foreach (var key in _keys.ToList())
        {
            Prune(key, compactedRv);
        }
    }

    /// <summary>
    /// Live objects as of <paramref name="atRv"/> with keys in [<paramref name="lower"/>, <paramref name="upper"/>),
    /// in key order. <paramref name="upper"/> null means no upper bound.
    /// </summary>
    public IEnumerable<ObjectVersion> Scan(string lower, string? upper, long atRv)
    {
        var high = upper ?? _maxKey;
        if (string.CompareOrdinal(lower, high) > 0)
        {
            yield break;
        }

        foreach (var key in _keys.GetViewBetween(lower, high))
        {
            if (upper is not null && string.Equals(key, upper, StringComparison.Ordinal))
            {
                yield break;
            }

            var version = At(_versions[key], atRv);
            if (version is { Deleted: false })
            {
                yield return version;
            }
        }
    }

    private static ObjectVersion? At(ObjectVersion? version, long atRv)
    {
        while (version is not null && version.ResourceVersion > atRv)
        {
            version = version.Previous;
        }

        return version;
    }
}
