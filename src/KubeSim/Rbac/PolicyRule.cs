using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>One rule of a Role or ClusterRole, matched as kube-apiserver's RBAC evaluation helpers match it.</summary>
internal sealed record PolicyRule(
    IReadOnlyList<string> Verbs, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    public static PolicyRule Parse(JsonNode? node) => new(
        Strings(node, "verbs"), Strings(node, "apiGroups"), Strings(node, "resources"), Strings(node, "resourceNames"), Strings(node, "nonResourceURLs"));

    public static IReadOnlyList<PolicyRule> ParseAll(JsonNode? rules) =>
        rules is JsonArray array ? array.Select(Parse).ToList() : [];

    public bool Allows(RequestAttributes request)
    {
        if (!Verbs.Contains("*") && !Verbs.Contains(request.Verb))
        {
            return false;
        }

        if (!request.IsResourceRequest)
        {
            return NonResourceUrls.Any(url => url == "*" || url == request.Path || (url.EndsWith('*') && request.Path.StartsWith(url[..^1], StringComparison.Ordinal)));
        }

        if (!ApiGroups.Contains("*") && !ApiGroups.Contains(request.ApiGroup))
        {
            return false;
        }

        var combined = request.Subresource.Length == 0 ? request.Resource : request.Resource + "/" + request.Subresource;
        var resourceMatches = Resources.Any(r => r == "*" || r == combined || (request.Subresource.Length > 0 && r == "*/" + request.Subresource));
        return resourceMatches && (ResourceNames.Count == 0 || ResourceNames.Contains(request.Name));
    }

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
