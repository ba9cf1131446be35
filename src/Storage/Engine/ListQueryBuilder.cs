using System.Globalization;
using System.Text;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// Turns a <see cref="ResourceQuery"/> into parameterized SQL for a dialect. Input only ever becomes parameters; the
/// SQL text is assembled from constants and allow-listed columns. Validation errors name the search key.
/// </summary>
internal static partial class ListQueryBuilder
{
    public const string Columns =
        """r.cluster, r."group", r.version, r.resource, r.kind, r.namespace, r.name, r.uid, r.resource_version, r.created_at, r.revision, r.workload_kind, r.workload_name""";

    /// <summary>The ordinal of the object, selected after <see cref="Columns"/>.</summary>
    public const int ObjectOrdinal = 13;

    /// <summary>
    /// The ordinal of the store's revision in a list statement, read by the same statement as the rows (one snapshot),
    /// so a list needs neither a transaction nor a second round trip for its resourceVersion.
    /// </summary>
    public const int RevisionOrdinal = ObjectOrdinal + 1;

    /// <summary>The ordinal of the count of the rows after a limited page, when the plan counts them.</summary>
    public const int RemainingOrdinal = ObjectOrdinal + 2;

    /// <summary>In a change-feed row: 0 for a live row, 1 for a tombstone, 2 for the closing row (no object).</summary>
    public const int ChangeDeletedOrdinal = ObjectOrdinal + 1;

    /// <summary>The kind of the change feed's closing row: only the revision and the mark, after every change.</summary>
    public const int ChangeClosingRow = 2;

    /// <summary>In a change-feed row: the revision its object was created at (0 for a tombstone).</summary>
    public const int ChangeCreatedOrdinal = ObjectOrdinal + 2;

    /// <summary>In a change-feed row: the store's revision, read by the same statement (one snapshot).</summary>
    public const int ChangeRevisionOrdinal = ObjectOrdinal + 3;

    /// <summary>In a change-feed row: the oldest revision the feed can still answer from, read by the same statement.</summary>
    public const int ChangeCompactedOrdinal = ObjectOrdinal + 4;

    private const string _revision = "(SELECT value FROM storage_revision WHERE id = 1)";

    private const string _compacted = "(SELECT revision FROM storage_compaction WHERE id = 1)";

    // The closing row's columns before its revision (the 11th of Columns): none of them is read.
    private const string _closingColumns = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL";

    private const int _maxOwnerSeniority = 8;

    public static ListPlan Build(ResourceQuery query, SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 0)
        {
            throw new InvalidQueryException("limit", $"limit must be a non-negative integer, got {query.Limit}");
        }

        var sort = SortKey.For(query.OrderBy, spansTypes: query.ResourceTypes is not null);
        var sql = new SqlStatement();
        var walk = LabelWalkDriver(query, sort, dialect);
        var (where, with, residual) = Filter(query, dialect, sql, walk: walk);
        var from = walk is not null ? dialect.LabelWalkFrom! : "resources r" + (with.Length > 0 ? dialect.OwnerIndexHint : "");
        var pageFrom = from + (walk is null && IsUnscopedDefaultOrder(query, sort, with) ? dialect.DefaultOrderIndexHint : "");
        Func<SortKey, string> sortSql = walk is null ? k => k.Sql : LabelWalkSql;

        long? offset = null;
        if (!string.IsNullOrEmpty(query.Continue))
        {
            if (query.Continue.Length <= 18 && query.Continue.All(char.IsAsciiDigit))
            {
                // Clusterpedia's form: a plain offset into the same stable order.
                offset = long.Parse(query.Continue, CultureInfo.InvariantCulture);
            }
            else
            {
                where.Add(KeysetCondition(sql, dialect, sort, ContinueToken.Decode(query.Continue, sort), sortSql, expanded: walk is not null));
            }
        }

        var whereText = string.Join(" AND ", where);
        var countBody = $"SELECT 1 FROM {from} WHERE {whereText}";
        var countParameters = sql.Parameters.Count;
        var limit = query.Limit is > 0 ? query.Limit : null;

        // The rows after a full page are counted in the same statement (an uncorrelated subquery, evaluated once over
        // the same filters and WITH clause): a page is then one round trip, its count included. It is only read when
        // the page turns out to have a next one, and then the page holds exactly `limit` rows, so what to skip is
        // known before the rows are.
        var countBound = query.WithRemainingCount ? (long?)null : query.RemainingCountBound;
        var remaining = limit is { } pageSize && countBound is null or > 0
            ? countBound is { } examined && dialect.BoundsCountByRowsExamined
                ? $", {ExaminedCount(from, where, residual, examined, (offset ?? 0) + pageSize)} AS remaining_count"
                : $", (SELECT COUNT(*) FROM ({CountRows(countBody, countBound, (offset ?? 0) + pageSize)}) c) AS remaining_count"
            : "";
        var orderBy = " ORDER BY " + string.Join(", ", sort.Select(k => sortSql(k) + (k.Descending ? " DESC" : " ASC")));
        var select = $"SELECT {Columns}, {dialect.ObjectColumn}, {_revision} AS store_revision{remaining}";
        var lateObjects = limit is not null && dialect.ReadsObjectsAfterTheSort && query.HasSelectors && walk is null;
        sql.Append(with);

        // One extra row tells whether there is a next page.
        var limitText = limit is not null || offset is not null
            ? " LIMIT " + sql.Param(limit is { } l ? (long)l + 1 : long.MaxValue) + (offset is { } o ? " OFFSET " + sql.Param(o) : "")
            : "";
        if (lateObjects)
        {
            // The page's ids first (sorted on the narrow rows), then its rows and objects by primary key.
            sql.Append(select).Append(" FROM resources r JOIN (")
                .Append(dialect.FuzzyNameCandidateBound is { } bound && limit is { } pageRows && FuzzyNameServedByCandidates(query)
                    ? BoundedCandidatesPage(sql, pageFrom, whereText, orderBy, limitText, pageRows, bound)
                    : $"SELECT r.id FROM {pageFrom} WHERE {whereText}{orderBy}{limitText}")
                .Append(") page ON r.id = page.id").Append(orderBy);
        }
        else
        {
            sql.Append(select).Append(" FROM ").Append(pageFrom).Append(" WHERE ").Append(whereText).Append(orderBy).Append(limitText);
        }

        return new ListPlan(sql, with, countBody, countParameters, sort, limit, offset)
        {
            CountsRemaining = remaining.Length > 0,
            CountsAll = remaining.Length > 0 && countBound is null,
        };
    }

    /// <summary>
    /// The statement that tells an empty page from a race: in one snapshot, the store's revision and whether any row
    /// of the page's filters lies past the offset. Zero rows there means the empty page was exact at that revision.
    /// </summary>
    public static string EmptyCheck(ListPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return $"{plan.CountWith}SELECT {_revision}, (SELECT COUNT(*) FROM ({CountRows(plan.CountBody, 1, plan.Offset ?? 0)}) c)";
    }

    /// <summary>
    /// The change feed of a query: rows of resources and of tombstones (same columns) written after a revision,
    /// in revision order; then whether the row is a delete, when it was created, and the store's revision and
    /// compaction mark. A closing row (kind <see cref="ChangeClosingRow"/>, at the store's revision) follows the changes
    /// when they do not fill the page, so even a read that finds none is one statement in one snapshot.
    /// </summary>
    public static SqlStatement Changes(ResourceQuery query, SqlDialect dialect, long afterRevision, int limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new SqlStatement();
        // The same terms run on resource_tombstones, which has no side tables.
        var (where, with, _) = Filter(query, dialect, sql, indexForms: !dialect.LabelFormsReadSideTable);
        var after = sql.Param(afterRevision);
        var whereText = string.Join(" AND ", where);
        var select = $"SELECT {Columns}, {dialect.ObjectColumn} AS object_json,";
        var take = sql.Param((long)limit);
        var (liveFrom, liveRevision) = dialect.LiveChangesFrom;

        // Each table's first rows after the revision in revision order (its index, stopping at the limit), then the
        // merge: a watch behind by 100,000 changes reads and converts at most twice the limit of objects, not every
        // pending row before a sort of them all (which made a lagging watch slower the further it lagged).
        var meta = $"{_revision} AS store_revision, {_compacted} AS compacted";
        sql.Append($"{with}SELECT * FROM ({select} 0 AS deleted, r.created_revision AS created_revision, {meta} FROM {liveFrom} ")
            .Append($"WHERE {whereText} AND {liveRevision} > {after} ORDER BY {liveRevision} LIMIT {take}) live ")
            .Append($"UNION ALL SELECT * FROM ({select} 1 AS deleted, 0 AS created_revision, {meta} FROM resource_tombstones r ")
            .Append($"WHERE {whereText} AND r.revision > {after} ORDER BY r.revision LIMIT {take}) gone ")
            .Append($"UNION ALL SELECT {_closingColumns}, {_revision}, NULL, NULL, NULL, {ChangeClosingRow}, 0, {meta} ")
            .Append($"ORDER BY revision, deleted LIMIT {take}");
        return sql;
    }

    /// <summary>
    /// The WHERE terms of every filter of the query over the alias <c>r</c>, the WITH clause they need, and which
    /// terms no index serves (labels, fields, fuzzy name: tested on the rows an index found). The requirement the page
    /// walks by (<paramref name="walk"/>, <see cref="LabelWalkDriver"/>) becomes terms of its label rows <c>l</c>.
    /// </summary>
    private static (List<string> Where, string With, HashSet<int> Residual) Filter(
        ResourceQuery query, SqlDialect dialect, SqlStatement sql, bool indexForms = true, LabelMatch? walk = null)
    {
        var where = new List<string>();
        var residual = new HashSet<int>();
        if (query.ResourceTypes is { } types)
        {
            where.Add(TypesCondition(sql, types));
        }
        else
        {
            where.Add($"r.\"group\" = {sql.Param(query.Group)}");
            where.Add($"r.version = {sql.Param(query.Version)}");
            where.Add($"r.resource = {sql.Param(query.Resource)}");
        }

        AddSet(where, sql, dialect, "r.cluster", query.Clusters, query.ClustersNotIn);
        if (query.Clusters is { Count: > 0 } clusters)
        {
            // A range on the leading column of the order index lets the planner walk it in order and skip other
            // clusters; an IN list alone makes PostgreSQL 15 filter row by row from the first cluster.
            var ordered = clusters.Order(StringComparer.Ordinal).ToArray();
            where.Add($"r.cluster >= {sql.Param(ordered[0])} AND r.cluster <= {sql.Param(ordered[^1])}");
        }

        AddSet(where, sql, dialect, "r.namespace", query.Namespaces, query.NamespacesNotIn);
        if (query.Access is { } access)
        {
            where.Add(AccessCondition(sql, dialect, access));
        }

        AddSet(where, sql, dialect, "r.name", query.Names, query.NamesNotIn);
        AddWorkloadSet(where, sql, dialect, "r.workload_name", query.WorkloadNames, query.WorkloadNamesNotIn);
        AddWorkloadSet(where, sql, dialect, "r.workload_kind", query.WorkloadKinds, query.WorkloadKindsNotIn);
        if (!string.IsNullOrEmpty(query.FuzzyName))
        {
            residual.Add(where.Count);
            where.Add(dialect.ContainsText(sql, "r.name", query.FuzzyName));
        }

        if (query.Since is { } since)
        {
            where.Add($"r.created_at >= {sql.Param(dialect.TimeValue(since))}");
        }

        if (query.Before is { } before)
        {
            where.Add($"r.created_at < {sql.Param(dialect.TimeValue(before))}");
        }

        var labels = query.LabelSelector ?? [];
        if (indexForms && EqualityPairs(labels) is { Count: > 1 } pairs && dialect.LabelsHaveAll(sql, pairs) is { } all)
        {
            where.Add(all);
            labels = [.. labels.Where(l => !IsSingleValueEquality(l))];
        }

        foreach (var label in labels)
        {
            if (ReferenceEquals(label, walk))
            {
                QueryValidation.LabelKey("labelSelector", label.Key);
                where.Add(LabelWalkTerms(sql, dialect, query, label));
                continue;
            }

            var (condition, indexed) = LabelCondition(sql, dialect, label, indexForms);
            if (!indexed)
            {
                residual.Add(where.Count);
            }

            where.Add(condition);
        }

        foreach (var field in query.FieldSelector ?? [])
        {
            if (!dialect.IsIndexedField(field.Path))
            {
                residual.Add(where.Count);
            }

            where.Add(FieldCondition(sql, dialect, field));
        }

        var with = "";
        if (OwnerLevels(sql, dialect, query) is { } levels)
        {
            where.Add(dialect.OwnedBy("r", $"owner{levels.Count - 1}"));
            with = "WITH " + string.Join(", ", levels.Select((level, i) => $"owner{i} AS {dialect.MaterializedCte}({level})")) + " ";
        }

        return (where, with, residual);
    }

    private static string TypesCondition(SqlStatement sql, IReadOnlyList<ResourceTypeFilter> types)
    {
        if (types.Count == 0)
        {
            return "1 = 0";
        }

        var alternatives = new List<string>();
        foreach (var type in types)
        {
            var terms = new List<string> { $"r.\"group\" = {sql.Param(type.Group)}" };
            if (type.Version is not null)
            {
                terms.Add($"r.version = {sql.Param(type.Version)}");
            }

            if (type.Resource is not null)
            {
                terms.Add($"r.resource = {sql.Param(type.Resource)}");
            }

            alternatives.Add("(" + string.Join(" AND ", terms) + ")");
        }

        return "(" + string.Join(" OR ", alternatives) + ")";
    }

    /// <summary>
    /// (cluster = c1 AND namespace IN (...)) OR (cluster = c2) ...: an OR of grants, every value bound as a parameter.
    /// A grant with an empty namespace list adds nothing; no grant at all matches nothing.
    /// </summary>
    private static string AccessCondition(SqlStatement sql, SqlDialect dialect, IReadOnlyList<AccessGrant> access)
    {
        var grants = new List<string>();
        foreach (var grant in access)
        {
            if (grant.Namespaces is { Count: 0 })
            {
                continue;
            }

            var terms = new List<string> { $"r.cluster = {sql.Param(grant.Cluster)}" };
            if (grant.Namespaces is { } namespaces)
            {
                terms.Add(dialect.InList(sql, "r.namespace", namespaces, negate: false));
            }

            if (grant.Group is { } group)
            {
                terms.Add($"r.\"group\" = {sql.Param(group)}");
            }

            if (grant.Resource is { } resource)
            {
                terms.Add($"r.resource = {sql.Param(resource)}");
            }

            grants.Add("(" + string.Join(" AND ", terms) + ")");
        }

        if (grants.Count == 0)
        {
            return "1 = 0";
        }

        // As for clusters=: a range on the order index's cluster column lets the ordered walk start at the first
        // granted cluster and stop after the last, instead of filtering every row before them.
        var clusters = access.Where(g => g.Namespaces is not { Count: 0 }).Select(g => g.Cluster).Order(StringComparer.Ordinal).ToArray();
        return $"({string.Join(" OR ", grants)}) AND r.cluster >= {sql.Param(clusters[0])} AND r.cluster <= {sql.Param(clusters[^1])}";
    }

    private static void AddSet(List<string> where, SqlStatement sql, SqlDialect dialect, string column, IReadOnlyList<string>? @in, IReadOnlyList<string>? notIn)
    {
        if (@in is not null)
        {
            where.Add(dialect.InList(sql, column, @in, negate: false));
        }

        if (notIn is { Count: > 0 })
        {
            where.Add(dialect.InList(sql, column, notIn, negate: true));
        }
    }

    /// <summary>As <see cref="AddSet"/>, for a nullable column: notin keeps the objects without a workload, as label notin does.</summary>
    private static void AddWorkloadSet(List<string> where, SqlStatement sql, SqlDialect dialect, string column, IReadOnlyList<string>? @in, IReadOnlyList<string>? notIn)
    {
        if (@in is not null)
        {
            where.Add(dialect.InList(sql, column, @in, negate: false));
        }

        if (notIn is { Count: > 0 })
        {
            where.Add($"({column} IS NULL OR {dialect.InList(sql, column, notIn, negate: true)})");
        }
    }

    /// <summary>
    /// The (cluster, uid) sets of the owners (level 0), then of their children, down
    /// <see cref="ResourceQuery.OwnerSeniority"/> levels; the searched rows are the children of the last level. Every
    /// level is an indexed lookup (uid, owner_uid), materialized once, never a scan of the objects.
    /// </summary>
    private static List<string>? OwnerLevels(SqlStatement sql, SqlDialect dialect, ResourceQuery query)
    {
        var hasUid = !string.IsNullOrEmpty(query.OwnerUid);
        var hasName = !string.IsNullOrEmpty(query.OwnerName);
        if (!hasUid && !hasName)
        {
            if (!string.IsNullOrEmpty(query.OwnerGroupResource))
            {
                throw new InvalidQueryException("ownerGR", "ownerGR needs ownerName or ownerUID");
            }

            if (query.OwnerSeniority != 0)
            {
                throw new InvalidQueryException("ownerSeniority", "ownerSeniority needs ownerName or ownerUID");
            }

            return null;
        }

        if (query.OwnerSeniority is < 0 or > _maxOwnerSeniority)
        {
            throw new InvalidQueryException("ownerSeniority", $"ownerSeniority must be an integer from 0 to {_maxOwnerSeniority}");
        }

        var owners = new List<string>();
        if (hasUid)
        {
            owners.Add($"o.uid = {sql.Param(query.OwnerUid!)}");
        }

        if (hasName)
        {
            owners.Add($"o.name = {sql.Param(query.OwnerName!)}");
            if (query.Namespaces is not null)
            {
                // Owners live in the namespace of their children.
                owners.Add(dialect.InList(sql, "o.namespace", query.Namespaces, negate: false));
            }
        }

        if (!string.IsNullOrEmpty(query.OwnerGroupResource))
        {
            var dot = query.OwnerGroupResource.IndexOf('.', StringComparison.Ordinal);
            var resource = dot < 0 ? query.OwnerGroupResource : query.OwnerGroupResource[..dot];
            var group = dot < 0 ? "" : query.OwnerGroupResource[(dot + 1)..];
            if (resource.Length == 0 || (dot >= 0 && group.Length == 0))
            {
                throw new InvalidQueryException("ownerGR", $"ownerGR '{query.OwnerGroupResource}' must be <resource>[.<group>], e.g. deployments.apps or pods");
            }

            owners.Add($"o.resource = {sql.Param(resource)}");
            owners.Add($"o.\"group\" = {sql.Param(group)}");
        }

        if (query.Clusters is not null)
        {
            owners.Add(dialect.InList(sql, "o.cluster", query.Clusters, negate: false));
        }

        var levels = new List<string> { new StringBuilder("SELECT o.cluster, o.uid FROM resources o WHERE ").AppendJoin(" AND ", owners).ToString() };
        for (var level = 1; level <= query.OwnerSeniority; level++)
        {
            var parent = "owner" + (level - 1).ToString(CultureInfo.InvariantCulture);
            levels.Add($"SELECT c.cluster, c.uid FROM resources c{dialect.OwnerIndexHint} WHERE {dialect.OwnedBy("c", parent)}");
        }

        return levels;
    }

    /// <summary>
    /// Rows strictly after the given sort values: a row-value comparison when all keys share a direction, else (or
    /// when <paramref name="expanded"/>) the expanded form, an OR of prefixes that MariaDB's range optimizer turns into
    /// index ranges (a label walk's continue then seeks its position instead of reading the entries before it).
    /// </summary>
    private static string KeysetCondition(
        SqlStatement sql, SqlDialect dialect, IReadOnlyList<SortKey> sort, object[] values, Func<SortKey, string> sortSql, bool expanded)
    {
        var parameters = new string[sort.Count];
        for (var i = 0; i < sort.Count; i++)
        {
            parameters[i] = sql.Param(sort[i].Column == SortColumn.CreatedAt
                ? dialect.TimeValue(DateTimeOffset.FromUnixTimeMilliseconds((long)values[i]))
                : values[i]);
        }

        // The redundant bound on the first key is what an index seeks on, so page 1000 costs what page 1 does.
        var seek = $"{sortSql(sort[0])} {(sort[0].Descending ? "<=" : ">=")} {parameters[0]} AND ";
        if (!expanded && sort.All(k => k.Descending == sort[0].Descending))
        {
            return $"({seek}({string.Join(", ", sort.Select(sortSql))}) {(sort[0].Descending ? "<" : ">")} ({string.Join(", ", parameters)}))";
        }

        var alternatives = new List<string>();
        for (var i = 0; i < sort.Count; i++)
        {
            var terms = new List<string>();
            for (var j = 0; j < i; j++)
            {
                terms.Add($"{sortSql(sort[j])} = {parameters[j]}");
            }

            terms.Add($"{sortSql(sort[i])} {(sort[i].Descending ? "<" : ">")} {parameters[i]}");
            alternatives.Add("(" + string.Join(" AND ", terms) + ")");
        }

        return "(" + seek + "(" + string.Join(" OR ", alternatives) + "))";
    }
}
