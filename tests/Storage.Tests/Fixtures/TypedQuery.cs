using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>
/// Typed searches for the storage specification, beside its <c>Pods(...)</c>. Storage takes only <see cref="ResourceQuery"/>: how the HTTP query keys
/// become one is the API server's concern (tested in ApiServer.Tests' ResourceQueryParserTests). Selectors are still
/// written in their Kubernetes text form here, because that is the oracle the storage results are checked against.
/// </summary>
internal static class TypedQuery
{
    /// <summary>A search across the types of a collection resource (group, version and resource unused).</summary>
    public static ResourceQuery Across(IEnumerable<ResourceTypeFilter> types) =>
        new() { Group = "", Version = "", Resource = "", ResourceTypes = [.. types] };

    public static IReadOnlyList<LabelMatch> Labels(string selector) =>
        [.. LabelSelector.Parse(selector).Requirements.Select(r => new LabelMatch(r.Key, Map(r.Operator), r.Values))];

    public static IReadOnlyList<FieldMatch> Fields(string selector) =>
        [.. FieldSelector.Parse(selector).Requirements.Select(r => new FieldMatch(r.Path.Segments, Map(r.Operator), r.Values))];

    /// <summary>Sort keys written as <c>name</c>, <c>name-</c> (descending), <c>namespace-,cluster</c>.</summary>
    public static OrderByKey[] Order(string keys) =>
        [.. keys.Split(',').Select(k => new OrderByKey(
            k.TrimEnd('-') switch
            {
                "name" => OrderByField.Name,
                "namespace" => OrderByField.Namespace,
                "cluster" => OrderByField.Cluster,
                "created_at" => OrderByField.CreatedAt,
                "resource_version" => OrderByField.ResourceVersion,
                _ => throw new ArgumentException($"unknown sort key {k}", nameof(keys)),
            },
            k.EndsWith('-')))];

    private static MatchOperator Map(SelectorOperator op) => op switch
    {
        SelectorOperator.Equals or SelectorOperator.DoubleEquals => MatchOperator.Equals,
        SelectorOperator.NotEquals => MatchOperator.NotEquals,
        SelectorOperator.In => MatchOperator.In,
        SelectorOperator.NotIn => MatchOperator.NotIn,
        SelectorOperator.Exists => MatchOperator.Exists,
        SelectorOperator.DoesNotExist => MatchOperator.DoesNotExist,
        SelectorOperator.GreaterThan => MatchOperator.GreaterThan,
        _ => MatchOperator.LessThan,
    };
}
