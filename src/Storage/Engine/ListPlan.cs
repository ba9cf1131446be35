namespace Clusterpedia.Storage.Engine;

/// <summary>A search turned into SQL: the page statement, the count over the same filters, and how to page on.</summary>
internal sealed record ListPlan(
    SqlStatement Statement,
    string CountText,
    int CountParameterCount,
    IReadOnlyList<SortKey> Sort,
    int? Limit,
    long? Offset);
