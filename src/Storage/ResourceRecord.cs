namespace Clusterpedia.Storage;

/// <summary>One object of a member cluster to write, with the columns the search engine indexes.</summary>
public sealed class ResourceRecord
{
    public required string Cluster { get; init; }
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Resource { get; init; }
    public required string Kind { get; init; }

    /// <summary>Empty for cluster-scoped objects.</summary>
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public required string Uid { get; init; }
    public required string ResourceVersion { get; init; }

    /// <summary>uid of the controller owner (<c>metadata.ownerReferences[controller=true].uid</c>), if any.</summary>
    public string? OwnerUid { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The workload columns (pods, and the middle owners between pods and workloads); none for other objects.</summary>
    public WorkloadColumns Workload { get; init; }

    /// <summary>
    /// UTF-8 JSON of the full object. The caller guarantees valid JSON in valid UTF-8 (the synchro reads and repairs
    /// every object before it gets here): the MariaDB engine stores it without parsing it again.
    /// </summary>
    public required ReadOnlyMemory<byte> Object { get; init; }

    public ResourceKey Key => new(Cluster, Group, Version, Resource, Namespace, Name);
}
