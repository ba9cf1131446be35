namespace Clusterpedia.Storage;

/// <summary>
/// A search over one resource type: the one model both the label form and the URL form of the search keys parse into
/// (the API server's ResourceQueryParser); storage takes only this typed form. Null sets mean "any".
/// </summary>
public sealed record ResourceQuery
{
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Resource { get; init; }

    /// <summary>
    /// When set, the search spans these types (a collection resource, any stored version) and
    /// <see cref="Group"/>, <see cref="Version"/> and <see cref="Resource"/> are ignored. Empty matches nothing.
    /// </summary>
    public IReadOnlyList<ResourceTypeFilter>? ResourceTypes { get; init; }

    public IReadOnlyList<string>? Clusters { get; init; }
    public IReadOnlyList<string>? ClustersNotIn { get; init; }
    public IReadOnlyList<string>? Namespaces { get; init; }
    public IReadOnlyList<string>? NamespacesNotIn { get; init; }
    public IReadOnlyList<string>? Names { get; init; }
    public IReadOnlyList<string>? NamesNotIn { get; init; }

    /// <summary>Workload kinds (e.g. Deployment, CloneSet): objects whose resolved workload is of one of them.</summary>
    public IReadOnlyList<string>? WorkloadKinds { get; init; }

    /// <summary>Workload kinds to exclude; objects without a workload are not excluded.</summary>
    public IReadOnlyList<string>? WorkloadKindsNotIn { get; init; }

    /// <summary>Workload names: objects whose resolved workload has one of them.</summary>
    public IReadOnlyList<string>? WorkloadNames { get; init; }

    /// <summary>Workload names to exclude; objects without a workload are not excluded.</summary>
    public IReadOnlyList<string>? WorkloadNamesNotIn { get; init; }

    /// <summary>Requirements on <c>metadata.labels</c>, all of which must hold.</summary>
    public IReadOnlyList<LabelMatch>? LabelSelector { get; init; }

    /// <summary>Requirements on JSON paths of the object, all of which must hold.</summary>
    public IReadOnlyList<FieldMatch>? FieldSelector { get; init; }

    /// <summary>Sort keys; null or empty means cluster, namespace, name ascending.</summary>
    public IReadOnlyList<OrderByKey>? OrderBy { get; init; }

    /// <summary>Page size; null or 0 means everything.</summary>
    public int? Limit { get; init; }

    /// <summary>A token from a previous page, or a non-negative integer offset (Clusterpedia's form).</summary>
    public string? Continue { get; init; }

    /// <summary>False suppresses the continue token of a limited page.</summary>
    public bool? WithContinue { get; init; }

    /// <summary>Count every item after a limited page exactly, however many (a scan of them).</summary>
    public bool WithRemainingCount { get; init; }

    /// <summary>
    /// Without <see cref="WithRemainingCount"/>: count the items after a limited page up to this bound, and report
    /// the count when it stays below it (0: do not count). kube-apiserver fills remainingItemCount on limited lists
    /// unasked; the bound keeps that from turning every page of a large list into a scan.
    /// </summary>
    public int RemainingCountBound { get; init; }

    /// <summary>Created at or after.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Created strictly before.</summary>
    public DateTimeOffset? Before { get; init; }

    public string? OwnerUid { get; init; }
    public string? OwnerName { get; init; }

    /// <summary>Group-qualified resource of the owner named by <see cref="OwnerName"/>/<see cref="OwnerUid"/>, e.g. <c>deployments.apps</c>.</summary>
    public string? OwnerGroupResource { get; init; }

    /// <summary>0: children of the owner; 1: grandchildren (pods of a deployment through its replicasets); n: n+1 levels down.</summary>
    public int OwnerSeniority { get; init; }

    /// <summary>Substring of the name (case-sensitive).</summary>
    public string? FuzzyName { get; init; }

    /// <summary>
    /// A label or field selector or a name substring: filters no order index serves, whose matches are often found as
    /// candidates and sorted. Such a list gets no unasked remaining count (as kube-apiserver), and on PostgreSQL its
    /// page reads objects after the sort.
    /// </summary>
    public bool HasSelectors => LabelSelector is { Count: > 0 } || FieldSelector is { Count: > 0 } || !string.IsNullOrEmpty(FuzzyName);

    /// <summary>
    /// Per-user visibility: when set, only objects some grant covers are found (empty: nothing). Applied inside the
    /// query, so limits, continue tokens, remaining counts and change feeds stay exact. Null: no filter.
    /// </summary>
    public IReadOnlyList<AccessGrant>? Access { get; init; }

    /// <summary>
    /// Serve from a state of the store at least this new (a list's resourceVersion): a read replica that has not
    /// replayed it does not answer. Null: no older than what this process already served.
    /// </summary>
    public long? MinRevision { get; init; }

    /// <summary>Return only apiVersion, kind and metadata of each object.</summary>
    public bool OnlyMetadata { get; init; }
}
