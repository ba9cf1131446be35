using System.Globalization;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim.Crds;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim;

/// <summary>
/// The simulated cluster's etcd plus the apiserver's registry logic: a thread-safe, multi-versioned object store with
/// one global resourceVersion, a bounded history window that watches resume from, and kube-apiserver's write
/// semantics (generateName, uid, creationTimestamp, generation, optimistic concurrency, garbage collection of
/// dependents and namespace contents). The in-process methods are trusted: a uid or creationTimestamp given by the
/// caller is kept, so tests can build objects with a known past.
/// </summary>
public sealed class SimulatorStore
{
    private const string _randomAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    // Kinds whose objects carry no metadata.generation even though they have a spec.
    private static readonly HashSet<string> _withoutGeneration = new(StringComparer.Ordinal)
    {
        "pods", "nodes", "namespaces", "services", "endpoints", "persistentvolumes", "persistentvolumeclaims",
        "replicationcontrollers", "limitranges", "resourcequotas",
    };

    private readonly Lock _lock = new();
    private readonly ApiResourceCatalog _catalog;
    private readonly CustomResourceRegistry _crds;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly int _historyCapacity;
    private readonly int _watchQueueCapacity;
    private readonly Dictionary<string, ResourceCollection> _collections = new(StringComparer.Ordinal);
    private readonly Queue<StoreEvent> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private readonly List<Action<StoreEvent>> _observers = [];
    private readonly StringPool _pool = new();
    private readonly Dictionary<string, (string GroupResource, string Key)> _liveUids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<(string GroupResource, string Key)>> _dependents = new(StringComparer.Ordinal);
    private long _resourceVersion;
    private long _compactedResourceVersion;

    internal SimulatorStore(ApiResourceCatalog catalog, TimeProvider time, int seed, int historyCapacity, int watchQueueCapacity)
    {
        _catalog = catalog;
        _crds = new CustomResourceRegistry(catalog);
        _time = time;
        _random = new Random(seed);
        _historyCapacity = Math.Max(1, historyCapacity);
        _watchQueueCapacity = Math.Max(16, watchQueueCapacity);
    }

    /// <summary>The resourceVersion of the latest write, across all resources.</summary>
    public long CurrentResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>Watches and exact lists from a resourceVersion older than this get 410 Expired.</summary>
    public long CompactedResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _compactedResourceVersion;
            }
        }
    }

    /// <summary>Creates an object; <paramref name="ns"/> may be null when the object names its namespace itself.</summary>
    public JsonObject Create(GroupVersionResource gvr, string? ns, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var resource = Resolve(gvr);
        return Full(resource, Create(resource, ns, (JsonObject)obj.DeepClone(), trusted: true));
    }

    public JsonObject Create(GroupVersionResource gvr, string? ns, string json) =>
        Create(gvr, ns, ObjectJson.ParseObject(System.Text.Encoding.UTF8.GetBytes(json)));

    /// <summary>Replaces an object (PUT semantics, status kept when the resource has a status subresource).</summary>
    public JsonObject Update(GroupVersionResource gvr, string? ns, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var resource = Resolve(gvr);
        var copy = (JsonObject)obj.DeepClone();
        var metadata = ObjectJson.Metadata(copy);
        var name = ObjectJson.GetString(metadata, "name") ?? throw SimulatorApiException.BadRequest("metadata.name is required");
        ns ??= ObjectJson.GetString(metadata, "namespace");
        return Full(resource, Update(resource, ns, name, _ => copy, UpdateTarget.Main).Version);
    }

    /// <summary>Changes an object through a function of its current state (read-modify-write under the store lock).</summary>
    public JsonObject Update(GroupVersionResource gvr, string? ns, string name, Func<JsonObject, JsonObject> mutate)
    {
        var resource = Resolve(gvr);
        return Full(resource, Update(resource, ns, name, mutate, UpdateTarget.Main).Version);
    }

    /// <summary>Replaces only the status of an object, as a controller writing the status subresource does.</summary>
    public JsonObject UpdateStatus(GroupVersionResource gvr, string? ns, string name, Func<JsonObject, JsonObject> mutate)
    {
        var resource = Resolve(gvr);
        return Full(resource, Update(resource, ns, name, mutate, UpdateTarget.Status).Version);
    }

    /// <summary>
    /// Deletes an object (and, like the garbage collector, its dependents); returns its last state. An object with
    /// finalizers is only marked with deletionTimestamp, and deleted by the update that removes its last finalizer.
    /// </summary>
    public JsonObject Delete(GroupVersionResource gvr, string? ns, string name)
    {
        var resource = Resolve(gvr);
        return Full(resource, Delete(resource, ns, name, preconditionUid: null));
    }

    public JsonObject? Get(GroupVersionResource gvr, string? ns, string name)
    {
        var resource = Resolve(gvr);
        var version = Get(resource, ns, name);
        return version is null ? null : Full(resource, version);
    }

    /// <summary>Every live object of a resource (in one namespace when <paramref name="ns"/> is set), in list order.</summary>
    public IReadOnlyList<JsonObject> List(GroupVersionResource gvr, string? ns = null)
    {
        var resource = Resolve(gvr);
        var page = List(resource, new ListRequest(ns, null, null, 0, null));
        return page.Items.Select(v => Full(resource, v)).ToList();
    }

    /// <summary>Number of live objects of a resource.</summary>
    public int Count(GroupVersionResource gvr)
    {
        var resource = Resolve(gvr);
        lock (_lock)
        {
            return Collection(resource.GroupResource).LiveCount;
        }
    }

    /// <summary>Forgets the whole history window: every older resourceVersion and continue token becomes 410 Expired.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _history.Clear();
            _compactedResourceVersion = _resourceVersion;
            foreach (var collection in _collections.Values)
            {
                collection.PruneAll(_compactedResourceVersion);
            }
        }
    }

    /// <summary>Ends every open watch, as an apiserver restart would; clients must rewatch from their last resourceVersion.</summary>
    public void DropWatches()
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers.ToList())
            {
                watcher.Close();
            }
        }
    }

    internal ApiResource Resolve(GroupVersionResource gvr) =>
        _catalog.Find(gvr.Group, gvr.Version, gvr.Resource) ?? throw SimulatorApiException.ResourceNotFound();

    internal static JsonObject Full(ApiResource resource, ObjectVersion version) =>
        ObjectJson.ParseObject(ObjectJson.WithTypeMeta(version.Body, resource.Kind, resource.ApiVersion));

    internal ObjectVersion? Get(ApiResource resource, string? ns, string name)
    {
        var key = Key(resource, ns, name);
        lock (_lock)
        {
            return Collection(resource.GroupResource).Latest(key);
        }
    }

    internal ObjectVersion Create(ApiResource resource, string? ns, JsonObject obj, bool trusted)
    {
        var metadata = ObjectJson.Metadata(obj);
        ns = ResolveNamespace(resource, ns, metadata);
        var name = ObjectJson.GetString(metadata, "name");
        var generateName = ObjectJson.GetString(metadata, "generateName");
        if (string.IsNullOrEmpty(name) && string.IsNullOrEmpty(generateName))
        {
            throw SimulatorApiException.Invalid(resource.Group, resource.Kind, string.Empty, "metadata.name", "Required value: name or generateName is required");
        }

        if (!string.IsNullOrEmpty(name))
        {
            ValidateName(resource, name);
        }

        lock (_lock)
        {
            var collection = Collection(resource.GroupResource);
            if (string.IsNullOrEmpty(name))
            {
                do
                {
                    name = generateName + RandomSuffix(5);
                }
                while (collection.Latest(Key(resource, ns, name)) is not null);
            }
            else if (collection.Latest(Key(resource, ns, name)) is not null)
            {
                throw SimulatorApiException.AlreadyExists(resource.Group, resource.Name, name);
            }

            if (resource.Namespaced && Collection("namespaces").Latest(ns!) is null)
            {
                throw SimulatorApiException.NotFound(string.Empty, "namespaces", ns!);
            }

            var isDefinition = IsDefinition(resource);
            if (isDefinition)
            {
                metadata["name"] = name;
                metadata["creationTimestamp"] ??= ObjectJson.Timestamp(_time.GetUtcNow());
            }

            var definition = isDefinition ? _crds.Admit(obj) : null;
            var rv = ++_resourceVersion;
            metadata["name"] = name;
            if (resource.Namespaced)
            {
                metadata["namespace"] = ns;
            }
            else
            {
                metadata.Remove("namespace");
            }

            if (!trusted || ObjectJson.GetString(metadata, "uid") is not { Length: > 0 })
            {
                metadata["uid"] = NewUid();
            }

            if (!trusted || ObjectJson.GetString(metadata, "creationTimestamp") is not { Length: > 0 })
            {
                metadata["creationTimestamp"] = ObjectJson.Timestamp(_time.GetUtcNow());
            }

            metadata["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            if (HasGeneration(resource, obj))
            {
                metadata["generation"] = 1;
            }

            metadata.Remove("deletionTimestamp");
            ApplyDefaults(resource, obj, name);
            var version = Build(resource, ns ?? string.Empty, name, rv, obj, deleted: false);
            Append(resource.GroupResource, version, WatchEventType.Added, previous: null);
            if (definition is not null)
            {
                _crds.Register(definition);
            }

            return version;
        }
    }

    internal (ObjectVersion Version, bool Changed) Update(
        ApiResource resource, string? ns, string name, Func<JsonObject, JsonObject> mutate, UpdateTarget target)
    {
        if (resource.Namespaced && string.IsNullOrEmpty(ns))
        {
            throw SimulatorApiException.BadRequest("a namespace is required for namespaced resources");
        }

        lock (_lock)
        {
            var collection = Collection(resource.GroupResource);
            var key = Key(resource, ns, name);
            var current = collection.Latest(key) ?? throw SimulatorApiException.NotFound(resource.Group, resource.Name, name);
            var currentObject = ObjectJson.ParseObject(current.Body);
            var desired = mutate((JsonObject)currentObject.DeepClone());
            var metadata = ObjectJson.Metadata(desired);
            var currentMetadata = ObjectJson.Metadata(currentObject);
            var givenName = ObjectJson.GetString(metadata, "name");
            if (givenName is not null && !string.Equals(givenName, name, StringComparison.Ordinal))
            {
                throw SimulatorApiException.BadRequest("the name of the object does not match the name on the URL");
            }

            var givenRv = ObjectJson.GetString(metadata, "resourceVersion");
            if (!string.IsNullOrEmpty(givenRv) && !string.Equals(givenRv, current.ResourceVersion.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                throw SimulatorApiException.Conflict(resource.Group, resource.Name, name,
                    "the object has been modified; please apply your changes to the latest version and try again");
            }

            if (target == UpdateTarget.Main && Finalizers.IsDeleting(currentMetadata))
            {
                if (Finalizers.Added(currentMetadata, metadata) is { Count: > 0 } added)
                {
                    throw SimulatorApiException.Invalid(resource.Group, resource.Kind, name, "metadata.finalizers",
                        $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(f => $"\"{f}\""))}}}");
                }

                if (Finalizers.Of(metadata).Count == 0)
                {
                    // The update that removes the last finalizer completes the deletion; the DELETED event carries the
                    // last stored state, as etcd's previous value does.
                    return (DeleteLocked(resource.GroupResource, current), true);
                }
            }

            var hasStatusSubresource = resource.Subresources.Any(s => s.Name == "status");
            if (target == UpdateTarget.Status)
            {
                var status = desired["status"]?.DeepClone();
                desired = (JsonObject)currentObject.DeepClone();
                desired["status"] = status;
                metadata = ObjectJson.Metadata(desired);
            }
            else if (hasStatusSubresource)
            {
                desired.Remove("status");
                if (currentObject["status"] is { } status)
                {
                    desired["status"] = status.DeepClone();
                }
            }

            // Fields the server owns.
            metadata["name"] = name;
            CopyOrRemove(currentMetadata, metadata, "namespace");
            CopyOrRemove(currentMetadata, metadata, "uid");
            CopyOrRemove(currentMetadata, metadata, "creationTimestamp");
            CopyOrRemove(currentMetadata, metadata, "deletionTimestamp");
            CopyOrRemove(currentMetadata, metadata, "generation");
            if (HasGeneration(resource, desired)
                && !JsonNode.DeepEquals(currentObject["spec"], desired["spec"]))
            {
                var generation = currentMetadata["generation"]?.GetValue<long>() ?? 0;
                metadata["generation"] = generation + 1;
            }

            metadata["resourceVersion"] = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
            var definition = IsDefinition(resource) && target == UpdateTarget.Main ? _crds.Admit(desired) : null;
            if (ObjectJson.SerializeBody(desired).AsSpan().SequenceEqual(current.Body))
            {
                // A no-op write neither bumps the resourceVersion nor emits an event, as in kube-apiserver.
                return (current, false);
            }

            var rv = ++_resourceVersion;
            metadata["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            var version = Build(resource, current.Namespace, name, rv, desired, deleted: false);
            Append(resource.GroupResource, version, WatchEventType.Modified, current);
            if (definition is not null)
            {
                _crds.Register(definition);
            }

            return (version, true);
        }
    }

    internal ObjectVersion Delete(ApiResource resource, string? ns, string name, string? preconditionUid)
    {
        lock (_lock)
        {
            var key = Key(resource, ns, name);
            var current = Collection(resource.GroupResource).Latest(key)
                ?? throw SimulatorApiException.NotFound(resource.Group, resource.Name, name);
            if (preconditionUid is not null && !string.Equals(preconditionUid, current.Uid, StringComparison.Ordinal))
            {
                throw SimulatorApiException.Conflict(resource.Group, resource.Name, name,
                    $"Precondition failed: UID in precondition: {preconditionUid}, UID in object meta: {current.Uid}");
            }

            var currentObject = ObjectJson.ParseObject(current.Body);
            var metadata = ObjectJson.Metadata(currentObject);
            if (Finalizers.Of(metadata).Count > 0)
            {
                if (Finalizers.IsDeleting(metadata))
                {
                    return current;
                }

                // Finalizers hold the object: it is only marked, and goes when the last finalizer is removed.
                Finalizers.BeginDeletion(metadata, _time.GetUtcNow());
                var rv = ++_resourceVersion;
                metadata["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
                var marked = Build(resource, current.Namespace, name, rv, currentObject, deleted: false);
                Append(resource.GroupResource, marked, WatchEventType.Modified, current);
                return marked;
            }

            return DeleteLocked(resource.GroupResource, current);
        }
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

    /// <summary>Where the live object with this uid is stored, or null.</summary>
    internal (string GroupResource, string Key)? ResolveUid(string uid)
    {
        lock (_lock)
        {
            return _liveUids.TryGetValue(uid, out var location) ? location : null;
        }
    }

    /// <summary>The live objects of <paramref name="groupResource"/> whose ownerReferences name <paramref name="ownerUid"/>.</summary>
    internal List<ObjectVersion> Dependents(string ownerUid, string groupResource)
    {
        lock (_lock)
        {
            var result = new List<ObjectVersion>();
            if (_dependents.TryGetValue(ownerUid, out var dependents) && _collections.TryGetValue(groupResource, out var collection))
            {
                foreach (var (dependentResource, key) in dependents)
                {
                    if (string.Equals(dependentResource, groupResource, StringComparison.Ordinal) && collection.Latest(key) is { } live)
                    {
                        result.Add(live);
                    }
                }
            }

            result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return result;
        }
    }

    internal static string Key(ApiResource resource, string? ns, string name) =>
        resource.Namespaced ? $"{ns}/{name}" : name;

    private ObjectVersion DeleteLocked(string groupResource, ObjectVersion current)
    {
        var rv = ++_resourceVersion;
        var last = ObjectJson.ParseObject(current.Body);
        ObjectJson.Metadata(last)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        var tombstone = new ObjectVersion
        {
            Key = current.Key,
            Namespace = current.Namespace,
            Name = current.Name,
            ResourceVersion = rv,
            Uid = current.Uid,
            OwnerUids = current.OwnerUids,
            Body = ObjectJson.SerializeBody(last),
            Deleted = true,
            Labels = current.Labels,
            Fields = current.Fields,
        };
        Append(groupResource, tombstone, WatchEventType.Deleted, current);
        if (string.Equals(groupResource, CustomResourceRegistry.GroupResource, StringComparison.Ordinal))
        {
            DeleteCustomResources(current.Name);
        }

        // Garbage collection, done at once rather than in the background: dependents with no other live owner go too.
        if (_dependents.Remove(current.Uid, out var dependents))
        {
            foreach (var (dependentResource, dependentKey) in dependents.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                if (Collection(dependentResource).Latest(dependentKey) is { } dependent
                    && !dependent.OwnerUids.Any(_liveUids.ContainsKey))
                {
                    DeleteLocked(dependentResource, dependent);
                }
            }
        }

        if (string.Equals(groupResource, "namespaces", StringComparison.Ordinal))
        {
            var prefix = current.Name + "/";
            foreach (var (otherResource, collection) in _collections.ToList())
            {
                foreach (var item in collection.Scan(prefix, current.Name + "0", _resourceVersion).ToList())
                {
                    if (collection.Latest(item.Key) is { } live)
                    {
                        DeleteLocked(otherResource, live);
                    }
                }
            }
        }

        return tombstone;
    }

    /// <summary>A deleted CRD takes its objects with it, each with a DELETED event, and stops being served.</summary>
    private void DeleteCustomResources(string definitionName)
    {
        // A CRD's name is its plural.group: the storage identity of its objects.
        if (_collections.TryGetValue(definitionName, out var collection))
        {
            foreach (var item in collection.Scan(string.Empty, null, _resourceVersion).ToList())
            {
                DeleteLocked(definitionName, item);
            }
        }

        _crds.Unregister(definitionName);
    }

    private static bool IsDefinition(ApiResource resource) =>
        string.Equals(resource.GroupResource, CustomResourceRegistry.GroupResource, StringComparison.Ordinal);

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

    private ResourceCollection Collection(string groupResource)
    {
        if (!_collections.TryGetValue(groupResource, out var collection))
        {
            collection = new ResourceCollection();
            _collections.Add(groupResource, collection);
        }

        return collection;
    }

    private static (string Lower, string? Upper) Range(ApiResource resource, string? ns) =>
        resource.Namespaced && !string.IsNullOrEmpty(ns) ? (ns + "/", ns + "0") : (string.Empty, null);

    private ObjectVersion Build(ApiResource resource, string ns, string name, long rv, JsonObject obj, bool deleted)
    {
        var metadata = ObjectJson.Metadata(obj);
        var owners = metadata["ownerReferences"] is JsonArray references
            ? references.Select(r => ObjectJson.GetString(r as JsonObject, "uid")).OfType<string>().Select(_pool.Intern).ToArray()
            : [];
        ns = _pool.Intern(ns);
        return new ObjectVersion
        {
            Key = resource.Namespaced ? $"{ns}/{name}" : name,
            Namespace = ns,
            Name = name,
            ResourceVersion = rv,
            Uid = ObjectJson.GetString(metadata, "uid") ?? string.Empty,
            OwnerUids = owners,
            Body = ObjectJson.SerializeBody(obj),
            Deleted = deleted,
            Labels = ObjectJson.Labels(metadata, _pool),
            Fields = ObjectJson.Fields(obj, ns, name, resource.SelectableFields, _pool),
        };
    }

    private static string? ResolveNamespace(ApiResource resource, string? ns, JsonObject metadata)
    {
        if (!resource.Namespaced)
        {
            return null;
        }

        var given = ObjectJson.GetString(metadata, "namespace");
        if (string.IsNullOrEmpty(ns))
        {
            ns = string.IsNullOrEmpty(given) ? null : given;
        }
        else if (!string.IsNullOrEmpty(given) && !string.Equals(given, ns, StringComparison.Ordinal))
        {
            throw SimulatorApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        return ns ?? throw SimulatorApiException.BadRequest("a namespace is required for namespaced resources");
    }

    private static void ValidateName(ApiResource resource, string name)
    {
        var valid = name.Length <= 253 && name != "." && name != ".." && !name.Contains('/', StringComparison.Ordinal)
            && !name.Contains('%', StringComparison.Ordinal);
        if (valid && resource.Group.Length == 0 && resource.Name is "namespaces" or "pods" or "services" or "configmaps" or "secrets")
        {
            valid = name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.')
                && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
                && (resource.Name != "namespaces" || (name.Length <= 63 && !name.Contains('.', StringComparison.Ordinal)));
        }

        if (!valid)
        {
            throw SimulatorApiException.Invalid(resource.Group, resource.Kind, name, "metadata.name",
                $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
        }
    }

    private static bool HasGeneration(ApiResource resource, JsonObject obj) =>
        obj["spec"] is not null && !_withoutGeneration.Contains(resource.GroupResource);

    private void ApplyDefaults(ApiResource resource, JsonObject obj, string name)
    {
        if (resource.Group.Length == 0 && resource.Name == "secrets" && string.IsNullOrEmpty(ObjectJson.GetString(obj, "type")))
        {
            obj["type"] = "Opaque";
        }

        if (resource.Group.Length == 0 && resource.Name == "services" && obj["spec"] is JsonObject serviceSpec)
        {
            // The service IP allocator: a free address from 10.96.0.0/12 unless the client chose one (or None).
            var type = ObjectJson.GetString(serviceSpec, "type") ?? "ClusterIP";
            serviceSpec["type"] = type;
            if (type != "ExternalName" && string.IsNullOrEmpty(ObjectJson.GetString(serviceSpec, "clusterIP")))
            {
                var ip = $"10.{96 + _random.Next(16)}.{_random.Next(256)}.{_random.Next(1, 255)}";
                serviceSpec["clusterIP"] = ip;
                serviceSpec["clusterIPs"] = new JsonArray(ip);
            }

            serviceSpec["sessionAffinity"] ??= "None";
            serviceSpec["ipFamilies"] ??= new JsonArray("IPv4");
            serviceSpec["ipFamilyPolicy"] ??= "SingleStack";
            serviceSpec["internalTrafficPolicy"] ??= "Cluster";
            foreach (var port in (serviceSpec["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
                port["targetPort"] ??= port["port"]?.DeepClone();
            }

            obj["status"] ??= new JsonObject { ["loadBalancer"] = new JsonObject() };
        }

        if (resource.Group.Length == 0 && resource.Name == "namespaces")
        {
            var labels = ObjectJson.Metadata(obj)["labels"] as JsonObject ?? [];
            labels["kubernetes.io/metadata.name"] = name;
            ObjectJson.Metadata(obj)["labels"] = labels;
            obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
            obj["status"] ??= new JsonObject { ["phase"] = "Active" };
        }
    }

    private static void CopyOrRemove(JsonObject from, JsonObject to, string property)
    {
        if (from[property] is { } value)
        {
            to[property] = value.DeepClone();
        }
        else
        {
            to.Remove(property);
        }
    }

    private string RandomSuffix(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = _randomAlphabet[_random.Next(_randomAlphabet.Length)];
        }

        return new string(chars);
    }

    private string NewUid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }
}
