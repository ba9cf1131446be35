using Clusterpedia.Kube.Rbac;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>
/// The authorizer chain of the simulator: system:masters is always allowed (kube-apiserver's privileged-group
/// authorizer), then RBAC; in AlwaysAllow mode everything is allowed.
/// </summary>
internal sealed class Authorizer
{
    public const string MastersGroup = RbacPolicySet.MastersGroup;

    private readonly RbacPolicy? _rbac;

    /// <param name="rbac">Null for AlwaysAllow.</param>
    public Authorizer(RbacPolicy? rbac)
    {
        _rbac = rbac;
    }

    public bool IsRbac => _rbac is not null;

    public (bool Allowed, string Reason) Authorize(RequestAttributes request)
    {
        if (_rbac is null || request.User.Groups.Contains(MastersGroup))
        {
            return (true, string.Empty);
        }

        return _rbac.Current.Authorize(request);
    }

    /// <summary>The RBAC rules of a user in a namespace; in AlwaysAllow mode, one rule allowing everything.</summary>
    public IReadOnlyList<PolicyRule> RulesFor(Kube.Server.UserInfo user, string ns) =>
        _rbac is null ? [new PolicyRule(["*"], ["*"], ["*"], [], []), new PolicyRule(["*"], [], [], [], ["*"])] : _rbac.Current.RulesFor(user, ns).ToList();

    /// <summary>
    /// The 403 kube-apiserver answers with, e.g. <c>pods is forbidden: User "viewer" cannot list resource "pods" in API
    /// group "" in the namespace "default"</c>; details carry the resource as kind, the group and the name.
    /// </summary>
    public static SimulatorApiException Forbidden(RequestAttributes request)
    {
        if (!request.IsResourceRequest)
        {
            return new SimulatorApiException(403, "Forbidden", $"forbidden: User \"{request.User.Name}\" cannot {request.Verb} path \"{request.Path}\"");
        }

        var resource = request.Subresource.Length == 0 ? request.Resource : request.Resource + "/" + request.Subresource;
        var scope = request.Namespace.Length > 0 ? $"in the namespace \"{request.Namespace}\"" : "at the cluster scope";
        var why = $"User \"{request.User.Name}\" cannot {request.Verb} resource \"{resource}\" in API group \"{request.ApiGroup}\" {scope}";
        var qualified = request.ApiGroup.Length == 0 ? request.Resource : $"{request.Resource}.{request.ApiGroup}";
        var message = request.Name.Length == 0 ? $"{qualified} is forbidden: {why}" : $"{qualified} \"{request.Name}\" is forbidden: {why}";
        return new SimulatorApiException(403, "Forbidden", message,
            request.Name.Length == 0 ? null : request.Name, request.ApiGroup.Length == 0 ? null : request.ApiGroup, request.Resource);
    }
}
