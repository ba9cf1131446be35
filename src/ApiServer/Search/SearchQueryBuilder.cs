using System.Globalization;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.Kube;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Search;

/// <summary>
/// Turns a search request's path scope and query string into the storage's one query model, within
/// <see cref="QueryLimits"/>: a request over a limit is a 400 naming the parameter and the limit, except
/// <c>limit</c>, which is lowered to <see cref="QueryLimits.MaxLimit"/> (the page then carries a continue token).
/// </summary>
internal static class SearchQueryBuilder
{
    public static ResourceQuery Build(GroupVersionResource resource, IQueryCollection query, string? pathNamespace, string? pathCluster, QueryLimits limits)
    {
        CheckText(query);
        try
        {
            return Bounded(ResourceQueryParser.Parse(resource, Flatten(query), pathNamespace, pathCluster), limits);
        }
        catch (InvalidQueryException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    public static ResourceQuery BuildCollection(CollectionResource collection, IQueryCollection query, QueryLimits limits)
    {
        CheckText(query);
        try
        {
            return Bounded(ResourceQueryParser.ParseCollection(collection, Flatten(query), null, null), limits);
        }
        catch (InvalidQueryException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    /// <summary>Checks the sizes of a parsed query and applies the page and count bounds.</summary>
    public static ResourceQuery Bounded(ResourceQuery query, QueryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(limits);
        var requirements = (query.LabelSelector?.Count ?? 0) + (query.FieldSelector?.Count ?? 0);
        if (requirements > limits.MaxSelectorRequirements)
        {
            var parameter = (query.LabelSelector?.Count ?? 0) >= (query.FieldSelector?.Count ?? 0) ? "labelSelector" : "fieldSelector";
            throw ApiException.BadRequest(
                $"{parameter}: Too many: {requirements}: labelSelector and fieldSelector may hold at most {limits.MaxSelectorRequirements} requirements together (Limits:Query:MaxSelectorRequirements)");
        }

        foreach (var label in query.LabelSelector ?? [])
        {
            Values("labelSelector", $"the values of label '{label.Key}'", label.Values, limits);
        }

        foreach (var field in query.FieldSelector ?? [])
        {
            Values("fieldSelector", $"the values of field '{string.Join('.', field.Path)}'", field.Values, limits);
        }

        Values("clusters", "clusters", query.Clusters, limits);
        Values("clusters", "clusters", query.ClustersNotIn, limits);
        Values("namespaces", "namespaces", query.Namespaces, limits);
        Values("namespaces", "namespaces", query.NamespacesNotIn, limits);
        Values("names", "names", query.Names, limits);
        Values("names", "names", query.NamesNotIn, limits);
        Values("workloadKind", "workload kinds", query.WorkloadKinds, limits);
        Values("workloadKind", "workload kinds", query.WorkloadKindsNotIn, limits);
        Values("workloadName", "workload names", query.WorkloadNames, limits);
        Values("workloadName", "workload names", query.WorkloadNamesNotIn, limits);
        foreach (var (parameter, value) in new[]
        {
            ("ownerUID", query.OwnerUid), ("ownerName", query.OwnerName), ("ownerGR", query.OwnerGroupResource), ("fuzzyName", query.FuzzyName),
        })
        {
            Length(parameter, value, limits);
        }

        return query with
        {
            Limit = query.Limit > limits.MaxLimit ? limits.MaxLimit : query.Limit,
            // kube-apiserver fills an unasked remainingItemCount only for a list without label and field selectors; a
            // selector (or a substring) makes the count a walk over rows no index answers, which cost more than the
            // page itself (docs/limits.md). withRemainingCount=true still counts exactly.
            RemainingCountBound = query.HasSelectors ? 0 : limits.RemainingCountBound,
        };
    }

    /// <summary>
    /// No value may hold a NUL character: PostgreSQL text cannot, and no Kubernetes name, label or field can either.
    /// </summary>
    private static void CheckText(IQueryCollection query)
    {
        foreach (var (key, values) in query)
        {
            foreach (var value in values)
            {
                if (value is not null && value.Contains('\0', StringComparison.Ordinal))
                {
                    throw ApiException.BadRequest($"{key}: Invalid value: the value holds a NUL character (%00), which no Kubernetes name, label or field can hold");
                }
            }
        }
    }

    /// <summary>ASP.NET Core's query form as the parser's key-value pairs; a key without a value is an empty value.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> Flatten(IQueryCollection query) =>
        query.SelectMany(pair => pair.Value.Count == 0
            ? [new KeyValuePair<string, string?>(pair.Key, "")]
            : pair.Value.Select(value => new KeyValuePair<string, string?>(pair.Key, value)));

    private static void Values(string parameter, string what, IReadOnlyList<string>? values, QueryLimits limits)
    {
        if (values is null)
        {
            return;
        }

        if (values.Count > limits.MaxValuesPerSet)
        {
            throw ApiException.BadRequest(
                $"{parameter}: Too many: {values.Count}: {what} may hold at most {limits.MaxValuesPerSet} values (Limits:Query:MaxValuesPerSet)");
        }

        foreach (var value in values)
        {
            Length(parameter, value, limits);
        }
    }

    private static void Length(string parameter, string? value, QueryLimits limits)
    {
        if (value is { Length: var length } && length > limits.MaxValueLength)
        {
            throw ApiException.BadRequest(
                $"{parameter}: Too long: a value of {length.ToString(CultureInfo.InvariantCulture)} characters: at most {limits.MaxValueLength} are allowed (Limits:Query:MaxValueLength)");
        }
    }
}
