namespace Clusterpedia.Storage.Engine;

/// <summary>A search turned into SQL: the page statement, the count over the same filters (a WITH clause and the rows counted), and how to page on.</summary>
internal sealed record ListPlan(
    SqlStatement Statement,
    string CountWith,
    string CountBody,
    int CountParameterCount,
    IReadOnlyList<SortKey> Sort,
    int? Limit,
    long? Offset);
