using System.Text;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// Pages that walk one label pair's side-table rows in the list's order (<see cref="SqlDialect.LabelWalkFrom"/>), where
/// the engine has them: the page stops at its last row instead of collecting and sorting every match of the pair.
/// </summary>
internal static partial class ListQueryBuilder
{
    /// <summary>
    /// The requirement whose label rows drive a page, or null: a page of one type in the default order (cluster,
    /// namespace, name ascending), scoped by nothing an index of resources serves better (names, owners, workloads,
    /// an indexed field, a substring, creation times), with a <c>key=value</c> requirement (or a one-value <c>in</c>)
    /// the side table holds. The first such requirement drives: its rows are read in order until the page is full,
    /// each row's other requirements tested on the way, so a page reads at most the pair's rows of the type in the
    /// clusters and namespaces asked, and usually far fewer.
    /// </summary>
    private static LabelMatch? LabelWalkDriver(ResourceQuery query, IReadOnlyList<SortKey> sort, SqlDialect dialect)
    {
        if (dialect.LabelWalkFrom is null || query.LabelSelector is not { Count: > 0 } labels || query.ResourceTypes is not null
            || sort is not [{ Column: SortColumn.Cluster, Descending: false }, { Column: SortColumn.Namespace, Descending: false }, { Column: SortColumn.Name, Descending: false }]
            || query.Names is { Count: > 0 } || query.WorkloadNames is { Count: > 0 } || query.WorkloadKinds is { Count: > 0 }
            || !string.IsNullOrEmpty(query.FuzzyName) || query.Since is not null || query.Before is not null
            || !string.IsNullOrEmpty(query.OwnerUid) || !string.IsNullOrEmpty(query.OwnerName)
            || (query.FieldSelector ?? []).Any(f => f.Operator == MatchOperator.Equals && dialect.IsIndexedField(f.Path)))
        {
            return null;
        }

        return labels.FirstOrDefault(l => IsSingleValueEquality(l) && Encoding.UTF8.GetByteCount(l.Values[0]) <= dialect.LabelWalkValueBytes);
    }

    /// <summary>
    /// The terms on the walked rows <c>l</c> that make their index a range in list order: the pair and the type as
    /// its leading columns, the clusters and namespaces asked (tested in the index before any resource is read).
    /// </summary>
    private static string LabelWalkTerms(SqlStatement sql, SqlDialect dialect, ResourceQuery query, LabelMatch driver)
    {
        var terms = new List<string>
        {
            $"l.label_key = {sql.Param(driver.Key)}",
            $"l.label_value = {sql.Param(driver.Values[0])}",
            $"l.\"group\" = {sql.Param(query.Group)}",
            $"l.version = {sql.Param(query.Version)}",
            $"l.resource = {sql.Param(query.Resource)}",
        };
        if (query.Clusters is { } clusters)
        {
            terms.Add(dialect.InList(sql, "l.cluster", clusters, negate: false));
        }

        if (query.Namespaces is { } namespaces)
        {
            terms.Add(dialect.InList(sql, "l.namespace", namespaces, negate: false));
        }

        return string.Join(" AND ", terms);
    }

    /// <summary>The walked rows' copy of a default-order column, in which their index is ordered.</summary>
    private static string LabelWalkSql(SortKey key) => key.Column switch
    {
        SortColumn.Cluster => "l.cluster",
        SortColumn.Namespace => "l.namespace",
        SortColumn.Name => "l.name",
        _ => throw new InvalidOperationException($"a label walk is in the default order, not by {key.Column}"),
    };
}
