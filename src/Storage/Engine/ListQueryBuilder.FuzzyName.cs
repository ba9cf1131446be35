namespace Clusterpedia.Storage.Engine;

/// <summary>
/// A fuzzy-name page whose plan does not hang on the planner's estimate of the substring (PostgreSQL): the matches are
/// collected first, up to a bound, and sorted when they are all there; only a substring with more matches than the
/// bound walks the page order, where such a walk finds its page quickly.
/// </summary>
internal static partial class ListQueryBuilder
{
    /// <summary>The columns the candidates carry: the id and every column a sort key reads.</summary>
    private const string _candidateColumns = """r.id, r.cluster, r."group", r.version, r.resource, r.namespace, r.name, r.created_at, r.resource_version""";

    /// <summary>
    /// Whether a fuzzy-name page takes the bounded candidates: a substring of at least three characters, which the
    /// trigram index can look up (a shorter one has no trigram, and its candidates would be read by a scan).
    /// </summary>
    private static bool FuzzyNameServedByCandidates(ResourceQuery query) => query.FuzzyName is { Length: >= 3 };

    /// <summary>
    /// The ids of the page, as the ordered walk would find them, in one statement with two branches of which exactly
    /// one runs: the matches of every filter (at most <paramref name="bound"/> + 1, in no order, so the planner takes
    /// the trigram index unless it expects the substring to be common) sorted, when there are at most
    /// <paramref name="bound"/>; else the ordered walk of the type, which with that many matches reaches a page soon.
    /// The planner estimates an unanchored substring from the name's histogram: a name that is one of its bounds
    /// counts as 1 % of the type, ten times too many, and then walked 93,000 rows of the order for 100 matches
    /// (docs/benchmarks.md, "Session 13").
    /// </summary>
    private static string BoundedCandidatesPage(SqlStatement sql, string pageFrom, string whereText, string orderBy, string limitText, int pageRows, int bound)
    {
        var take = sql.Param((long)bound + 1);
        var most = sql.Param((long)bound);

        // The outer limit changes no result (one branch runs, within the page's limit); it keeps the planner's estimate
        // at a page, not two, so the page's rows are still read by primary key rather than by a scan of the table.
        return $"SELECT page_ids.id FROM (WITH candidates AS MATERIALIZED (SELECT {_candidateColumns} FROM {pageFrom} WHERE {whereText} LIMIT {take}) " +
            $"(SELECT r.id FROM candidates r WHERE (SELECT COUNT(*) FROM candidates) <= {most}{orderBy}{limitText}) " +
            $"UNION ALL (SELECT r.id FROM {pageFrom} WHERE (SELECT COUNT(*) FROM candidates) > {most} AND {whereText}{orderBy}{limitText})) page_ids " +
            $"LIMIT {sql.Param((long)pageRows + 1)}";
    }
}
