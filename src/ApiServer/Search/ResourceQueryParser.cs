using Clusterpedia.Kube;
using Clusterpedia.Kube.Selectors;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Search;

/// <summary>
/// Turns a list request into a <see cref="ResourceQuery"/>: the URL form of the search keys (<c>clusters=</c>,
/// <c>orderby=</c>, ...) and the label form inside <c>labelSelector</c> (<c>search.clusterpedia.io/clusters in (a,b)</c>,
/// ...). The URL wins over the label form; search requirements are taken out of the label selector; every bad value
/// throws <see cref="InvalidQueryException"/> naming the key. This is the HTTP side of a search: storage never
/// sees query text, only the typed query; <see cref="SearchQueryBuilder"/> adds the request's limits. Public for the
/// benchmarks, which replay the keys the server receives.
/// </summary>
public static class ResourceQueryParser
{
    private static readonly string[] _urlKeys =
    [
        "clusters", "namespaces", "names", "orderby", "limit", "continue", "withContinue", "withRemainingCount", "since",
        "before", "ownerUID", "ownerName", "ownerGR", "ownerSeniority", "fuzzyName", "labelSelector", "fieldSelector",
        "onlyMetadata", "workloadKind", "workloadName",
    ];

    /// <param name="resource">The resource listed.</param>
    /// <param name="urlQuery">The query string, keys possibly repeated; unknown keys (watch, timeoutSeconds...) are ignored.</param>
    /// <param name="defaultNamespace">The namespace of a <c>/namespaces/{ns}/</c> path, which restricts the search.</param>
    /// <param name="cluster">The cluster of a <c>/clusters/{name}/</c> path, which restricts the search.</param>
    public static ResourceQuery Parse(
        GroupVersionResource resource,
        IEnumerable<KeyValuePair<string, string?>> urlQuery,
        string? defaultNamespace,
        string? cluster)
    {
        ArgumentNullException.ThrowIfNull(urlQuery);
        var url = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in urlQuery)
        {
            if (value is null || !_urlKeys.Contains(key, StringComparer.Ordinal))
            {
                continue;
            }

            if (!url.TryGetValue(key, out var values))
            {
                url[key] = values = [];
            }

            values.Add(value);
        }

        var labels = ParseLabels(url);
        var search = new Dictionary<string, LabelRequirement>(StringComparer.Ordinal);
        var ordinary = new List<LabelMatch>();
        foreach (var requirement in labels)
        {
            if (TrySearchKey(requirement.Key, out var name))
            {
                if (!search.TryAdd(name, requirement))
                {
                    throw new InvalidQueryException(requirement.Key, $"{requirement.Key} is given more than once in labelSelector");
                }
            }
            else
            {
                ordinary.Add(new LabelMatch(requirement.Key, Map(requirement.Operator), requirement.Values));
            }
        }

        var (clusters, clustersNotIn) = Set(url, search, SearchKeys.Clusters);
        var (namespaces, namespacesNotIn) = Set(url, search, SearchKeys.Namespaces);
        var (names, namesNotIn) = Set(url, search, SearchKeys.Names);
        var (workloadKinds, workloadKindsNotIn) = WorkloadSet(url, search, SearchKeys.WorkloadKind, SearchValues.WorkloadKind);
        var (workloadNames, workloadNamesNotIn) = WorkloadSet(url, search, SearchKeys.WorkloadName, SearchValues.WorkloadName);
        clusters = Restrict(clusters, cluster);
        namespaces = Restrict(namespaces, defaultNamespace);

        return new ResourceQuery
        {
            Group = resource.Group,
            Version = resource.Version,
            Resource = resource.Resource,
            Clusters = clusters,
            ClustersNotIn = clustersNotIn,
            Namespaces = namespaces,
            NamespacesNotIn = namespacesNotIn,
            Names = names,
            NamesNotIn = namesNotIn,
            WorkloadKinds = workloadKinds,
            WorkloadKindsNotIn = workloadKindsNotIn,
            WorkloadNames = workloadNames,
            WorkloadNamesNotIn = workloadNamesNotIn,
            LabelSelector = ordinary.Count == 0 ? null : ordinary,
            FieldSelector = ParseFields(url),
            OrderBy = Scalar(url, search, SearchKeys.OrderBy, all: true) is { } order
                ? SearchValues.OrderBy(order.Key, order.Values)
                : null,
            Limit = (Single(url, search, SearchKeys.Limit) ?? Single(url, search, SearchKeys.Size)) is { } limit
                ? SearchValues.NonNegativeInt(limit.Key, limit.Value)
                : null,
            Continue = Single(url, search, SearchKeys.Offset) is { } offset ? ContinueValue(offset.Key, offset.Value) : null,
            WithContinue = Flag(url, search, SearchKeys.WithContinue),
            WithRemainingCount = Flag(url, search, SearchKeys.WithRemainingCount) == true,
            Since = Single(url, search, SearchKeys.Since) is { } since ? SearchValues.Time(since.Key, since.Value) : null,
            Before = Single(url, search, SearchKeys.Before) is { } before ? SearchValues.Time(before.Key, before.Value) : null,
            OwnerUid = Single(url, search, SearchKeys.OwnerUid)?.Value,
            OwnerName = Single(url, search, SearchKeys.OwnerName)?.Value,
            OwnerGroupResource = Single(url, search, SearchKeys.OwnerGroupResource)?.Value,
            OwnerSeniority = Single(url, search, SearchKeys.OwnerSeniority) is { } seniority ? SearchValues.NonNegativeInt(seniority.Key, seniority.Value, 8) : 0,
            FuzzyName = Single(url, search, SearchKeys.FuzzyName)?.Value,
            OnlyMetadata = url.TryGetValue("onlyMetadata", out var only) && QueryBool.Parse(only),
        };
    }

    /// <summary>
    /// A search across the types of a collection resource, with every filter of Parse. For
    /// <c>any</c>, the types come from <c>groups=</c> (<c>apps</c>, <c>batch/v1</c>) and <c>resources=</c>
    /// (<c>apps/deployments</c>), at least one of which is required.
    /// </summary>
    public static ResourceQuery ParseCollection(
        CollectionResource collection,
        IEnumerable<KeyValuePair<string, string?>> urlQuery,
        string? defaultNamespace,
        string? cluster)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var pairs = urlQuery.ToList();
        var types = collection.Types.ToList();
        if (collection.Name == CollectionResource.AnyName)
        {
            foreach (var (key, value) in pairs)
            {
                if (key is "groups" or "resources" && value is not null)
                {
                    types.AddRange(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(v => ResourceTypeFilter.Parse(v, isResource: key == "resources", key)));
                }
            }

            if (types.Count == 0)
            {
                throw new InvalidQueryException("groups", "the 'any' collection needs groups= (e.g. apps,batch/v1) or resources= (e.g. apps/deployments)");
            }
        }

        var query = Parse(new GroupVersionResource("", "", ""), pairs, defaultNamespace, cluster);
        return new ResourceQuery
        {
            Group = query.Group,
            Version = query.Version,
            Resource = query.Resource,
            ResourceTypes = types,
            Clusters = query.Clusters,
            ClustersNotIn = query.ClustersNotIn,
            Namespaces = query.Namespaces,
            NamespacesNotIn = query.NamespacesNotIn,
            Names = query.Names,
            NamesNotIn = query.NamesNotIn,
            WorkloadKinds = query.WorkloadKinds,
            WorkloadKindsNotIn = query.WorkloadKindsNotIn,
            WorkloadNames = query.WorkloadNames,
            WorkloadNamesNotIn = query.WorkloadNamesNotIn,
            LabelSelector = query.LabelSelector,
            FieldSelector = query.FieldSelector,
            OrderBy = query.OrderBy,
            Limit = query.Limit,
            Continue = query.Continue,
            WithContinue = query.WithContinue,
            WithRemainingCount = query.WithRemainingCount,
            Since = query.Since,
            Before = query.Before,
            OwnerUid = query.OwnerUid,
            OwnerName = query.OwnerName,
            OwnerGroupResource = query.OwnerGroupResource,
            OwnerSeniority = query.OwnerSeniority,
            FuzzyName = query.FuzzyName,
            OnlyMetadata = query.OnlyMetadata,
        };
    }

    private static List<LabelRequirement> ParseLabels(Dictionary<string, List<string>> url)
    {
        if (!url.TryGetValue("labelSelector", out var selectors))
        {
            return [];
        }

        var requirements = new List<LabelRequirement>();
        foreach (var text in selectors)
        {
            try
            {
                requirements.AddRange(LabelSelector.Parse(text).Requirements);
            }
            catch (SelectorParseException e)
            {
                throw new InvalidQueryException("labelSelector", $"invalid labelSelector: {e.Message}", e);
            }
        }

        return requirements;
    }

    private static List<FieldMatch>? ParseFields(Dictionary<string, List<string>> url)
    {
        if (!url.TryGetValue("fieldSelector", out var selectors))
        {
            return null;
        }

        var matches = new List<FieldMatch>();
        foreach (var text in selectors)
        {
            try
            {
                matches.AddRange(FieldSelector.Parse(text).Requirements.Select(r => new FieldMatch(r.Path.Segments, Map(r.Operator), r.Values)));
            }
            catch (SelectorParseException e)
            {
                throw new InvalidQueryException("fieldSelector", $"invalid fieldSelector: {e.Message}", e);
            }
        }

        return matches.Count == 0 ? null : matches;
    }

    private static bool TrySearchKey(string key, out string name)
    {
        if (key.StartsWith(SearchKeys.LabelPrefix, StringComparison.Ordinal))
        {
            name = key[SearchKeys.LabelPrefix.Length..];
            return SearchKeys.UrlKeyOf.ContainsKey(name) && name != SearchKeys.FuzzyName
                ? true
                : throw new InvalidQueryException(key, $"unknown search key {key}: allowed are {string.Join(", ", SearchKeys.UrlKeyOf.Keys.Where(k => k != SearchKeys.FuzzyName).Select(k => SearchKeys.LabelPrefix + k))}, and {SearchKeys.InternalLabelPrefix}{SearchKeys.FuzzyName}");
        }

        if (key.StartsWith(SearchKeys.InternalLabelPrefix, StringComparison.Ordinal))
        {
            name = key[SearchKeys.InternalLabelPrefix.Length..];
            return name == SearchKeys.FuzzyName
                ? true
                : throw new InvalidQueryException(key, $"unknown search key {key}: allowed is {SearchKeys.InternalLabelPrefix}{SearchKeys.FuzzyName}");
        }

        name = "";
        return false;
    }

    /// <summary>The in and notin sets of clusters, namespaces or names: the URL form (comma lists or repeated keys; "in" only) or the label form.</summary>
    private static (IReadOnlyList<string>? In, IReadOnlyList<string>? NotIn) Set(
        Dictionary<string, List<string>> url, Dictionary<string, LabelRequirement> search, string name)
    {
        var urlKey = SearchKeys.UrlKeyOf[name];
        if (url.TryGetValue(urlKey, out var values))
        {
            var items = values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
            return (items.Count == 0 ? null : items, null);
        }

        if (!search.TryGetValue(name, out var requirement))
        {
            return (null, null);
        }

        return requirement.Operator switch
        {
            SelectorOperator.Equals or SelectorOperator.DoubleEquals or SelectorOperator.In => (requirement.Values, null),
            SelectorOperator.NotEquals or SelectorOperator.NotIn => (null, requirement.Values),
            _ => throw new InvalidQueryException(requirement.Key, $"{requirement.Key} takes =, ==, !=, in or notin with values"),
        };
    }

    /// <summary>A set of workload kinds or names, as <see cref="Set"/> reads it, each value checked (an error names the form given).</summary>
    private static (IReadOnlyList<string>? In, IReadOnlyList<string>? NotIn) WorkloadSet(
        Dictionary<string, List<string>> url, Dictionary<string, LabelRequirement> search, string name, Action<string, string> check)
    {
        var (@in, notIn) = Set(url, search, name);
        var key = url.ContainsKey(SearchKeys.UrlKeyOf[name]) ? SearchKeys.UrlKeyOf[name] : SearchKeys.LabelPrefix + name;
        foreach (var value in (@in ?? []).Concat(notIn ?? []))
        {
            check(key, value);
        }

        return (@in, notIn);
    }

    /// <summary>A one-value key: the last URL value, else the label form (=, == or in with one value).</summary>
    private static (string Key, string Value)? Single(Dictionary<string, List<string>> url, Dictionary<string, LabelRequirement> search, string name) =>
        Scalar(url, search, name, all: false) is { } found ? (found.Key, found.Values[^1]) : null;

    private static (string Key, IReadOnlyList<string> Values)? Scalar(
        Dictionary<string, List<string>> url, Dictionary<string, LabelRequirement> search, string name, bool all)
    {
        var urlKey = SearchKeys.UrlKeyOf[name];
        if (url.TryGetValue(urlKey, out var values) && values.Any(v => v.Length > 0))
        {
            return (urlKey, values.Where(v => v.Length > 0).ToList());
        }

        if (!search.TryGetValue(name, out var requirement))
        {
            return null;
        }

        if (requirement.Operator is not (SelectorOperator.Equals or SelectorOperator.DoubleEquals or SelectorOperator.In)
            || requirement.Values.Count == 0 || (!all && requirement.Values.Count != 1))
        {
            throw new InvalidQueryException(requirement.Key, all
                ? $"{requirement.Key} takes = or in with values"
                : $"{requirement.Key} takes exactly one value with = or ==");
        }

        return (requirement.Key, requirement.Values);
    }

    /// <summary>
    /// A boolean key, read as kube-apiserver reads boolean parameters (<see cref="QueryBool"/>): the URL form, even
    /// empty, else the label form (=, == or in with one value); null when neither is given.
    /// </summary>
    private static bool? Flag(Dictionary<string, List<string>> url, Dictionary<string, LabelRequirement> search, string name)
    {
        if (url.TryGetValue(SearchKeys.UrlKeyOf[name], out var values) && values.Count > 0)
        {
            return QueryBool.Parse(values);
        }

        return Single(url, search, name) is { } label ? QueryBool.Parse(label.Value) : null;
    }

    private static string ContinueValue(string key, string value) =>
        key == "continue" || (value.Length <= 18 && value.All(char.IsAsciiDigit) && value.Length > 0)
            ? value
            : throw new InvalidQueryException(key, $"invalid value '{value}' for {key}: expected a non-negative integer");

    private static IReadOnlyList<string>? Restrict(IReadOnlyList<string>? set, string? only) =>
        only is null ? set
        : set is null ? [only]
        : set.Contains(only, StringComparer.Ordinal) ? [only] : [];

    private static MatchOperator Map(SelectorOperator op) => op switch
    {
        SelectorOperator.Equals or SelectorOperator.DoubleEquals => MatchOperator.Equals,
        SelectorOperator.NotEquals => MatchOperator.NotEquals,
        SelectorOperator.In => MatchOperator.In,
        SelectorOperator.NotIn => MatchOperator.NotIn,
        SelectorOperator.Exists => MatchOperator.Exists,
        SelectorOperator.DoesNotExist => MatchOperator.DoesNotExist,
        SelectorOperator.GreaterThan => MatchOperator.GreaterThan,
        SelectorOperator.LessThan => MatchOperator.LessThan,
        _ => throw new InvalidQueryException("labelSelector", $"unsupported operator {op}"),
    };
}
