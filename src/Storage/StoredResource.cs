namespace Clusterpedia.Storage;

/// <summary>An object as read back from the store.</summary>
public sealed class StoredResource
{
    public required string Cluster { get; init; }
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Resource { get; init; }
    public required string Kind { get; init; }
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public required string Uid { get; init; }
    public required string ResourceVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The kind of the object's workload (pods and their middle owners), null when it has none.</summary>
    public string? WorkloadKind { get; init; }

    /// <summary>The name of the object's workload, null when it has none.</summary>
    public string? WorkloadName { get; init; }

    /// <summary>The global store revision of the last write of this row.</summary>
    public long Revision { get; init; }

    /// <summary>UTF-8 JSON of the object (only apiVersion, kind and metadata when the query asked for metadata only).</summary>
    public required ReadOnlyMemory<byte> Object { get; init; }

    public ResourceKey Key => new(Cluster, Group, Version, Resource, Namespace, Name);
}
