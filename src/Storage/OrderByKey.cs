namespace Clusterpedia.Storage;

/// <summary>One sort key of a search.</summary>
public readonly record struct OrderByKey(OrderByField Field, bool Descending = false);
