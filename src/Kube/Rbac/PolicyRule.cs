using System.Text.Json.Nodes;

namespace Clusterpedia.Kube.Rbac;

/// <summary>
/// One rule of a Role or ClusterRole, matched as kube-apiserver's RBAC evaluation helpers match it. Shared by the
/// simulator's authorizer and our server's per-user results.
/// </summary>
public sealed record PolicyRule(
    IReadOnlyList<string> Verbs, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    public static PolicyRule Parse(JsonNode? node) => new(
        Strings(node, "verbs"), Strings(node, "apiGroups"), Strings(node, "resources"), Strings(node, "resourceNames"), Strings(node, "nonResourceURLs"));

    public static IReadOnlyList<PolicyRule> ParseAll(JsonNode? rules) =>
        rules is JsonArray array ? array.Select(Parse).ToList() : [];

    /// <summary>
    /// True when the rule allows the verb on the resource (with its subresource, if any) and object name. The name is
    /// empty for requests without one (list, watch, create): then rules with resourceNames do not match.
    /// </summary>
    public bool AllowsResource(string verb, string apiGroup, string resource, string subresource, string name)
    {
        if (!AllowsVerb(verb) || (!ApiGroups.Contains("*") && !ApiGroups.Contains(apiGroup)))
        {
            return false;
        }

        var combined = subresource.Length == 0 ? resource : resource + "/" + subresource;
        var resourceMatches = Resources.Any(r => r == "*" || r == combined || (subresource.Length > 0 && r == "*/" + subresource));
        return resourceMatches && (ResourceNames.Count == 0 || ResourceNames.Contains(name));
    }

    /// <summary>True when the rule allows the verb on a non-resource path: exact, <c>*</c>, or a prefix ending in <c>*</c>.</summary>
    public bool AllowsNonResource(string verb, string path) =>
        AllowsVerb(verb) && NonResourceUrls.Any(url => url == "*" || url == path || (url.EndsWith('*') && path.StartsWith(url[..^1], StringComparison.Ordinal)));

    private bool AllowsVerb(string verb) => Verbs.Contains("*") || Verbs.Contains(verb);

    /// <summary>The rule as JSON (for aggregated ClusterRoles), empty lists left out as the API server omits them.</summary>
    public JsonObject ToJson()
    {
        var rule = new JsonObject();
        Add(rule, "apiGroups", ApiGroups, keepEmpty: Resources.Count > 0);
        Add(rule, "nonResourceURLs", NonResourceUrls, keepEmpty: false);
        Add(rule, "resourceNames", ResourceNames, keepEmpty: false);
        Add(rule, "resources", Resources, keepEmpty: false);
        Add(rule, "verbs", Verbs, keepEmpty: true);
        return rule;
    }

    public bool SameAs(PolicyRule other) =>
        Verbs.SequenceEqual(other.Verbs) && ApiGroups.SequenceEqual(other.ApiGroups) && Resources.SequenceEqual(other.Resources)
        && ResourceNames.SequenceEqual(other.ResourceNames) && NonResourceUrls.SequenceEqual(other.NonResourceUrls);

    private static void Add(JsonObject rule, string name, IReadOnlyList<string> values, bool keepEmpty)
    {
        if (values.Count > 0 || keepEmpty)
        {
            rule[name] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }
    }

    private static string[] Strings(JsonNode? node, string property) =>
        node?[property] is JsonArray array ? array.Select(v => v?.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : string.Empty).ToArray() : [];
}
