namespace Clusterpedia.Storage;

/// <summary>
/// The items of a search handed over one at a time as they are read, so an unlimited list of any size passes through
/// the server without being held whole. <see cref="Revision"/> is known before the first item. Dispose it to give the
/// connection back.
/// </summary>
public abstract class ResourceListReader : IAsyncDisposable
{
    /// <summary>Highest revision of the store when the items were read: the list's resourceVersion.</summary>
    public abstract long Revision { get; }

    /// <summary>The next item, or null after the last.</summary>
    public abstract ValueTask<StoredResource?> ReadAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>A reader over a page already read whole.</summary>
    public static ResourceListReader FromResult(ResourceListResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new BufferedListReader(result);
    }

    private sealed class BufferedListReader(ResourceListResult result) : ResourceListReader
    {
        private int _next;

        public override long Revision => result.Revision;

        public override ValueTask<StoredResource?> ReadAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(_next < result.Items.Count ? result.Items[_next++] : null);

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
