namespace Clusterpedia.KubeSim.Admission;

/// <summary>
/// One <c>rules[]</c> entry of a webhook (admissionregistration/v1 RuleWithOperations) and kube-apiserver's test of a
/// request against it: operations, groups and versions with <c>*</c>, resources as <c>res</c>, <c>res/sub</c>,
/// <c>*</c>, <c>*/sub</c>, <c>res/*</c> or <c>*/*</c>, and the scope.
/// </summary>
internal sealed record WebhookRule(
    IReadOnlyList<string> Operations, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> ApiVersions, IReadOnlyList<string> Resources, string Scope)
{
    public bool Matches(string operation, string group, string version, string resource, string subresource, string ns)
    {
        return Any(Operations, operation) && Any(ApiGroups, group) && Any(ApiVersions, version)
            && MatchesResource(resource, subresource) && MatchesScope(group, resource, ns);
    }

    /// <summary>The operation, group and resource match (any version): a request this rule may select.</summary>
    public bool MayMatch(string operation, string group, string resource, string subresource) =>
        Any(Operations, operation) && Any(ApiGroups, group) && MatchesResource(resource, subresource);

    private static bool Any(IReadOnlyList<string> allowed, string value) =>
        allowed.Any(a => a == "*" || string.Equals(a, value, StringComparison.Ordinal));

    private bool MatchesResource(string resource, string subresource)
    {
        foreach (var entry in Resources)
        {
            var slash = entry.IndexOf('/', StringComparison.Ordinal);
            var res = slash < 0 ? entry : entry[..slash];
            var sub = slash < 0 ? string.Empty : entry[(slash + 1)..];
            if ((res == "*" || res == resource) && (sub == "*" || sub == subresource))
            {
                return true;
            }
        }

        return false;
    }

    // A Namespace object is cluster-scoped even though it "is" a namespace.
    private bool MatchesScope(string group, string resource, string ns)
    {
        var isNamespace = group.Length == 0 && resource == "namespaces";
        return Scope switch
        {
            "Cluster" => isNamespace || ns.Length == 0,
            "Namespaced" => !isNamespace && ns.Length > 0,
            _ => true,
        };
    }
}
