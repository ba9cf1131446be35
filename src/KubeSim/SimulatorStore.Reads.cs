using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim;

// Reads of the store: paged lists at a resourceVersion, watches replayed from the history window, observers.
public sealed partial class SimulatorStore
{
    /// <summary>Every live object of a resource (in one namespace when <paramref name="ns"/> is set), in list order.</summary>
    public IReadOnlyList<JsonObject> List(GroupVersionResource gvr, string? ns = null)
    {
        var resource = Resolve(gvr);
        var page = List(resource, new ListRequest(ns, null, null, 0, null));
        return page.Items.Select(v => Full(resource, v)).ToList();
    }

    internal ListPage List(ApiResource resource, ListRequest request)
    {
        lock (_lock)
        {
            var rv = request.AtResourceVersion ?? _resourceVersion;
            if (rv < _compactedResourceVersion)
            {
                throw SimulatorApiException.Expired($"too old resource version: {rv} ({_compactedResourceVersion + 1})");
            }

            var (lower, upper) = Range(resource, request.Namespace);
            if (request.StartKey is not null && string.CompareOrdinal(request.StartKey, lower) > 0)
            {
                lower = request.StartKey;
            }

            var items = new List<ObjectVersion>(request.Limit > 0 ? Math.Min(request.Limit, 4096) : 64);
            string? lastKey = null;
            long? remaining = null;
            using var scan = Collection(resource.GroupResource).Scan(lower, upper, rv).GetEnumerator();
            while (scan.MoveNext())
            {
                var item = scan.Current;
                if (request.Filter is not null && !request.Filter(item))
                {
                    continue;
                }

                if (request.Limit > 0 && items.Count == request.Limit)
                {
                    lastKey = items[^1].Key;
                    if (request.Filter is null)
                    {
                        long count = 1;
                        while (scan.MoveNext())
                        {
                            count++;
                        }

                        remaining = count;
                    }

                    break;
                }

                items.Add(item);
            }

            return new ListPage(rv, items, lastKey, remaining);
        }
    }

    /// <summary>
    /// Starts a watch. From null: synthetic ADDED events for the current state; from a resourceVersion: the history
    /// after it (410 Expired when it has left the window). Live events follow on the subscription.
    /// </summary>
    internal WatchSubscription Watch(ApiResource resource, string? ns, long? fromResourceVersion, out List<StoreEvent> replay, out long startResourceVersion)
    {
        lock (_lock)
        {
            var subscription = new WatchSubscription(resource.GroupResource, resource.Namespaced ? ns : null, _watchQueueCapacity, Unsubscribe);
            replay = [];
            if (fromResourceVersion is null)
            {
                var (lower, upper) = Range(resource, ns);
                foreach (var item in Collection(resource.GroupResource).Scan(lower, upper, _resourceVersion))
                {
                    replay.Add(new StoreEvent(WatchEventType.Added, resource.GroupResource, item, null));
                }
            }
            else
            {
                if (fromResourceVersion < _compactedResourceVersion)
                {
                    throw SimulatorApiException.Expired($"too old resource version: {fromResourceVersion} ({_compactedResourceVersion + 1})");
                }

                foreach (var e in _history)
                {
                    if (e.ResourceVersion > fromResourceVersion && subscription.Matches(e))
                    {
                        replay.Add(e);
                    }
                }
            }

            startResourceVersion = _resourceVersion;
            _watchers.Add(subscription);
            return subscription;
        }
    }

    /// <summary>The resourceVersion a bookmark may carry now, or null while the watcher still has queued events.</summary>
    internal long? BookmarkResourceVersion(WatchSubscription subscription)
    {
        lock (_lock)
        {
            return subscription.Reader.Count == 0 ? _resourceVersion : null;
        }
    }

    /// <summary>Open watches (tests wait on it to know a client such as kubectl get -w is watching).</summary>
    internal int ActiveWatchCount
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>Calls <paramref name="observer"/> with every change, under the store lock: it must only queue work.</summary>
    internal void AddObserver(Action<StoreEvent> observer)
    {
        lock (_lock)
        {
            _observers.Add(observer);
        }
    }

    private void Append(string groupResource, ObjectVersion version, WatchEventType type, ObjectVersion? previous)
    {
        Collection(groupResource).Append(version);
        if (previous is not null)
        {
            _liveUids.Remove(previous.Uid);
            foreach (var owner in previous.OwnerUids)
            {
                if (_dependents.TryGetValue(owner, out var set))
                {
                    set.Remove((groupResource, previous.Key));
                }
            }
        }

        if (!version.Deleted)
        {
            _liveUids[version.Uid] = (groupResource, version.Key);
            foreach (var owner in version.OwnerUids)
            {
                if (!_dependents.TryGetValue(owner, out var set))
                {
                    set = [];
                    _dependents[owner] = set;
                }

                set.Add((groupResource, version.Key));
            }
        }

        var e = new StoreEvent(type, groupResource, version, previous);
        _history.Enqueue(e);
        while (_history.Count > _historyCapacity)
        {
            var old = _history.Dequeue();
            _compactedResourceVersion = old.ResourceVersion;
            Collection(old.GroupResource).Prune(old.Object.Key, _compactedResourceVersion);
        }

        foreach (var watcher in _watchers)
        {
            if (watcher.Matches(e))
            {
                watcher.Publish(e);
            }
        }

        foreach (var observer in _observers)
        {
            observer(e);
        }
    }

    private void Unsubscribe(WatchSubscription subscription)
    {
        lock (_lock)
        {
            _watchers.Remove(subscription);
        }
    }
}
