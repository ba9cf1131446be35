namespace Clusterpedia.KubeSim.Storage;

/// <summary>A change recorded in the history window; <see cref="Previous"/> lets watchers with selectors turn a
/// MODIFIED into ADDED or DELETED when an object enters or leaves their selection, as kube-apiserver does.</summary>
internal sealed record StoreEvent(WatchEventType Type, string GroupResource, ObjectVersion Object, ObjectVersion? Previous)
{
    public long ResourceVersion => Object.ResourceVersion;
}
