using System.Globalization;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim.Crds;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim;

// Deletion: finalizers and deletionTimestamp, garbage collection of dependents and namespace contents, removal of a CRD's objects.
public sealed partial class SimulatorStore
{
    /// <summary>
    /// Deletes an object (and, like the garbage collector, its dependents); returns its last state. An object with
    /// finalizers is only marked with deletionTimestamp, and deleted by the update that removes its last finalizer.
    /// </summary>
    public JsonObject Delete(GroupVersionResource gvr, string? ns, string name)
    {
        var resource = Resolve(gvr);
        return Full(resource, Delete(resource, ns, name, preconditionUid: null));
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
}
