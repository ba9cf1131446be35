namespace Clusterpedia.Storage;

/// <summary>One page of a search.</summary>
public sealed class ResourceListResult
{
    public required IReadOnlyList<StoredResource> Items { get; init; }

    /// <summary>Opaque token for the next page; null on the last page.</summary>
    public string? Continue { get; init; }

    /// <summary>Objects after this page, when the query asked for it and there are more.</summary>
    public long? RemainingItemCount { get; init; }

    /// <summary>Highest revision of the store when the page was read: the list's resourceVersion.</summary>
    public long Revision { get; init; }
}
