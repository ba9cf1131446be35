namespace Clusterpedia.Storage;

/// <summary>The objects of one of our resources, ordered by name, and the store's revision when they were read.</summary>
public sealed record ApiObjectList(IReadOnlyList<ApiObject> Items, long Revision);
