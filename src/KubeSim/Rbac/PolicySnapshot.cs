using System.Text.Json.Nodes;
using Clusterpedia.Kube.Rbac;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>
/// The Roles, ClusterRoles and bindings of the store at one moment (the shared <see cref="RbacPolicySet"/>), and the
/// authorizer's question on them with upstream's reason: the first rule that allows wins.
/// </summary>
internal sealed class PolicySnapshot
{
    private readonly RbacPolicySet _policy;

    public PolicySnapshot(
        IEnumerable<JsonObject> clusterRoles, IEnumerable<JsonObject> roles, IEnumerable<JsonObject> clusterRoleBindings, IEnumerable<JsonObject> roleBindings)
    {
        _policy = new RbacPolicySet(clusterRoles, roles, clusterRoleBindings, roleBindings);
    }

    /// <summary>True with upstream's reason (<c>RBAC: allowed by ...</c>) when a binding of the user grants the request.</summary>
    public (bool Allowed, string Reason) Authorize(RequestAttributes request)
    {
        foreach (var grant in _policy.Grants(request.User, request.Namespace))
        {
            if (grant.Rules.Any(r => r.Allows(request)))
            {
                return (true, "RBAC: allowed by " + grant.Binding.Describe(grant.Subject));
            }
        }

        return (false, string.Empty);
    }

    /// <summary>Every rule that applies to the user in <paramref name="ns"/> (what SelfSubjectRulesReview lists).</summary>
    public IEnumerable<PolicyRule> RulesFor(UserInfo user, string ns) => _policy.Grants(user, ns).SelectMany(g => g.Rules);
}
