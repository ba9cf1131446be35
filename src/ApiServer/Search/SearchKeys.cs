namespace Clusterpedia.ApiServer.Search;

/// <summary>The search keys of Clusterpedia: label form (inside labelSelector) and URL form.</summary>
internal static class SearchKeys
{
    public const string LabelPrefix = "search.clusterpedia.io/";
    public const string InternalLabelPrefix = "internalstorage.clusterpedia.io/";

    public const string Clusters = "clusters";
    public const string Namespaces = "namespaces";
    public const string Names = "names";
    public const string OrderBy = "orderby";
    public const string Limit = "limit";
    public const string Size = "size";
    public const string Offset = "offset";
    public const string WithContinue = "with-continue";
    public const string WithRemainingCount = "with-remaining-count";
    public const string Since = "since";
    public const string Before = "before";
    public const string OwnerUid = "owner-uid";
    public const string OwnerName = "owner-name";
    public const string OwnerGroupResource = "owner-gr";
    public const string OwnerSeniority = "owner-seniority";
    public const string FuzzyName = "fuzzy-name";
    public const string WorkloadKind = "workload-kind";
    public const string WorkloadName = "workload-name";

    /// <summary>Label-form key (after the prefix) → URL-form key.</summary>
    public static readonly IReadOnlyDictionary<string, string> UrlKeyOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Clusters] = "clusters",
        [Namespaces] = "namespaces",
        [Names] = "names",
        [OrderBy] = "orderby",
        [Limit] = "limit",
        [Size] = "limit",
        [Offset] = "continue",
        [WithContinue] = "withContinue",
        [WithRemainingCount] = "withRemainingCount",
        [Since] = "since",
        [Before] = "before",
        [OwnerUid] = "ownerUID",
        [OwnerName] = "ownerName",
        [OwnerGroupResource] = "ownerGR",
        [OwnerSeniority] = "ownerSeniority",
        [FuzzyName] = "fuzzyName",
        [WorkloadKind] = "workloadKind",
        [WorkloadName] = "workloadName",
    };
}
