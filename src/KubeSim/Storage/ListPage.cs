namespace Clusterpedia.KubeSim.Storage;

/// <summary>One page of a list: the items, the revision they were read at, and where the next page starts.</summary>
internal sealed record ListPage(long ResourceVersion, IReadOnlyList<ObjectVersion> Items, string? LastKey, long? RemainingItemCount);
