using System.ComponentModel.DataAnnotations;

namespace Clusterpedia.ApiServer.Search;

/// <summary>
/// The bounds on what one list or watch request may ask of the store, bound from <c>Limits:Query</c> and checked at
/// start. Defaults are in one place here; docs/limits.md ("Queries") says what happens when each is exceeded.
/// </summary>
public sealed class QueryLimits
{
    public const string Section = "Limits:Query";

    /// <summary>
    /// Requirements of labelSelector and fieldSelector together. Each becomes one term of the SQL condition, and SQLite
    /// refuses conditions deeper than 1000 terms, hence the ceiling of 500.
    /// </summary>
    [Range(1, 500)]
    public int MaxSelectorRequirements { get; set; } = 100;

    /// <summary>Values in one set: an <c>in</c>/<c>notin</c> list, or <c>clusters=</c>, <c>namespaces=</c>, <c>names=</c>.</summary>
    [Range(1, 10_000)]
    public int MaxValuesPerSet { get; set; } = 1000;

    /// <summary>
    /// Characters in one value of a set, a field selector or a scalar search key (owner, fuzzy name). Label keys and
    /// values have Kubernetes' own limits (317 and 63), checked by the selector parser.
    /// </summary>
    [Range(1, 65_536)]
    public int MaxValueLength { get; set; } = 1024;

    /// <summary>
    /// The largest page: a larger <c>limit</c> is served as pages of this size with a continue token, as a
    /// kube-apiserver may return fewer items than asked.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxLimit { get; set; } = 1000;

    /// <summary>The longest watch: a larger <c>timeoutSeconds</c> ends the stream at this age (clients re-watch).</summary>
    [Range(1, 86_400)]
    public int MaxWatchTimeoutSeconds { get; set; } = 3600;

    /// <summary>
    /// Items counted after a limited page for metadata.remainingItemCount when the client did not ask for an exact count
    /// (withRemainingCount=true); past it the count is left out. 0 turns unasked counts off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int RemainingCountBound { get; set; } = 10_000;
}
