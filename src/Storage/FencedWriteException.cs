namespace Clusterpedia.Storage;

/// <summary>
/// A write batch refused because its <see cref="WriteFence"/> is stale: the cluster's lease changed holder (or was
/// removed) since the writer took it. Nothing of the batch was written; the writer must stop syncing the cluster.
/// </summary>
public sealed class FencedWriteException : Exception
{
    public FencedWriteException()
    {
    }

    public FencedWriteException(string message)
        : base(message)
    {
    }

    public FencedWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FencedWriteException(WriteFence fence, long? stored)
        : base(stored is { } s
            ? $"write refused for cluster {fence?.Cluster}: the batch carries lease generation {fence?.Generation} but the stored lease is at generation {s} (another synchro replica took the cluster)"
            : $"write refused for cluster {fence?.Cluster}: the batch carries lease generation {fence?.Generation} but the cluster has no stored lease")
    {
        Fence = fence;
        StoredGeneration = stored;
    }

    /// <summary>The fence the refused batch carried.</summary>
    public WriteFence? Fence { get; }

    /// <summary>The generation stored for the cluster; null when it has no lease row.</summary>
    public long? StoredGeneration { get; }
}
