namespace Clusterpedia.Storage.Engine;

/// <summary>A search turned into SQL: the page statement, the count over the same filters (a WITH clause and the rows counted), and how to page on.</summary>
internal sealed record ListPlan(
    SqlStatement Statement,
    string CountWith,
    string CountBody,
    int CountParameterCount,
    IReadOnlyList<SortKey> Sort,
    int? Limit,
    long? Offset)
{
    /// <summary>The statement selects the count of the rows after the page (at <see cref="ListQueryBuilder.RemainingOrdinal"/>).</summary>
    public bool CountsRemaining { get; init; }

    /// <summary>That count is of every row after the offset (withRemainingCount), not bounded after the page.</summary>
    public bool CountsAll { get; init; }
}
