namespace Clusterpedia.KubeSim.Storage;

/// <summary>
/// One immutable revision of one object, as etcd would hold it: the UTF-8 JSON body (without kind and apiVersion, which
/// depend on the version a client asks for) and the few things list and watch filter on, extracted once at write time.
/// A deletion is a revision too (a tombstone whose body is the last state, stamped with the deleting resourceVersion).
/// </summary>
internal sealed class ObjectVersion
{
    public required string Key { get; init; }

    /// <summary>Empty for cluster-scoped objects.</summary>
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public required long ResourceVersion { get; init; }

    public required string Uid { get; init; }

    /// <summary>uids from metadata.ownerReferences, for garbage collection of dependents.</summary>
    public required IReadOnlyList<string> OwnerUids { get; init; }

    /// <summary>The object without kind/apiVersion; always starts with <c>{"metadata":</c>.</summary>
    public required byte[] Body { get; init; }

    public required bool Deleted { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Values of the selectable fields of this resource (metadata.name and metadata.namespace included).</summary>
    public required IReadOnlyDictionary<string, string> Fields { get; init; }

    /// <summary>The revision before this one still inside the history window (the collection's chain; null at its end).</summary>
    public ObjectVersion? Previous { get; set; }
}
