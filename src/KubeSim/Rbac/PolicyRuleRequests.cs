using Clusterpedia.Kube.Rbac;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>The shared <see cref="PolicyRule"/> asked about one request's attributes.</summary>
internal static class PolicyRuleRequests
{
    public static bool Allows(this PolicyRule rule, RequestAttributes request) => request.IsResourceRequest
        ? rule.AllowsResource(request.Verb, request.ApiGroup, request.Resource, request.Subresource, request.Name)
        : rule.AllowsNonResource(request.Verb, request.Path);
}
