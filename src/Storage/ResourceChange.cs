namespace Clusterpedia.Storage;

/// <summary>One entry of the change feed; <see cref="StoredResource.Revision"/> orders it.</summary>
public sealed record ResourceChange(ResourceChangeType Type, StoredResource Resource);
