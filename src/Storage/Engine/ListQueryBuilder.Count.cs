using System.Globalization;

namespace Clusterpedia.Storage.Engine;

/// <summary>The remaining count bounded by rows examined, and the index hint of unscoped pages (dialects that opt in).</summary>
internal static partial class ListQueryBuilder
{
    /// <summary>The counted rows: all of them, or at most <paramref name="bound"/> after the first <paramref name="skip"/>.</summary>
    private static string CountRows(string countBody, long? bound, long skip) =>
        bound is { } b
            ? $"{countBody} LIMIT {b.ToString(CultureInfo.InvariantCulture)} OFFSET {skip.ToString(CultureInfo.InvariantCulture)}"
            : countBody;

    /// <summary>
    /// The count after the page, bounded by rows examined: a window of at most <paramref name="bound"/> +
    /// <paramref name="skip"/> rows of the filters an index serves (no order: if the window does not fill, it holds
    /// every such row), the other filters tested on those rows only. A window that fills yields
    /// <paramref name="bound"/>, which the reader turns into an unknown count; otherwise the window's matches past the
    /// offset and the page, exact.
    /// </summary>
    private static string ExaminedCount(string from, List<string> where, HashSet<int> residual, long bound, long skip)
    {
        var window = (bound + skip).ToString(CultureInfo.InvariantCulture);
        var indexed = where.Where((_, i) => !residual.Contains(i)).ToArray();
        var tested = where.Where((_, i) => residual.Contains(i)).ToArray();
        var match = tested.Length == 0 ? "1" : $"CASE WHEN {string.Join(" AND ", tested)} THEN 1 ELSE 0 END";
        var whereText = indexed.Length == 0 ? "" : " WHERE " + string.Join(" AND ", indexed);
        return $"(SELECT IF(COUNT(*) >= {window}, {bound.ToString(CultureInfo.InvariantCulture)}, " +
            $"GREATEST(0, COALESCE(SUM(w.m), 0) - {skip.ToString(CultureInfo.InvariantCulture)})) " +
            $"FROM (SELECT {match} AS m FROM {from}{whereText} LIMIT {window}) w)";
    }

    /// <summary>
    /// A page of one type in the default order with nothing that scopes it to clusters, namespaces, names, owners,
    /// times, fields or a substring: the (group, version, resource, cluster, namespace, name) index serves it alone.
    /// </summary>
    private static bool IsUnscopedDefaultOrder(ResourceQuery query, IReadOnlyList<SortKey> sort, string with) =>
        query.ResourceTypes is null && with.Length == 0
        && sort is [{ Column: SortColumn.Cluster, Descending: false }, { Column: SortColumn.Namespace, Descending: false }, { Column: SortColumn.Name, Descending: false }]
        && query.Clusters is null or { Count: 0 } && query.Namespaces is null or { Count: 0 } && query.Names is null or { Count: 0 }
        && query.WorkloadNames is null or { Count: 0 } && query.WorkloadKinds is null or { Count: 0 }
        && query.FieldSelector is null or { Count: 0 } && string.IsNullOrEmpty(query.FuzzyName)
        && query.Access is null && query.Since is null && query.Before is null;
}
