using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>
/// The Roles, ClusterRoles and bindings of the store at one moment, parsed once, and kube-apiserver's RBAC evaluation on
/// them: ClusterRoleBindings first, then the RoleBindings of the request's namespace; the first rule that allows wins.
/// </summary>
internal sealed class PolicySnapshot
{
    private readonly Dictionary<string, IReadOnlyList<PolicyRule>> _clusterRoles;
    private readonly Dictionary<(string Namespace, string Name), IReadOnlyList<PolicyRule>> _roles;
    private readonly List<RbacBinding> _clusterRoleBindings;
    private readonly Dictionary<string, List<RbacBinding>> _roleBindings;

    public PolicySnapshot(
        IEnumerable<JsonObject> clusterRoles, IEnumerable<JsonObject> roles, IEnumerable<JsonObject> clusterRoleBindings, IEnumerable<JsonObject> roleBindings)
    {
        _clusterRoles = clusterRoles.ToDictionary(r => Name(r), r => PolicyRule.ParseAll(r["rules"]), StringComparer.Ordinal);
        _roles = roles.ToDictionary(r => (Namespace(r), Name(r)), r => PolicyRule.ParseAll(r["rules"]));
        _clusterRoleBindings = clusterRoleBindings.Select(RbacBinding.Parse).ToList();
        _roleBindings = roleBindings.Select(RbacBinding.Parse).GroupBy(b => b.Namespace).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    /// <summary>True with upstream's reason (<c>RBAC: allowed by ...</c>) when a binding of the user grants the request.</summary>
    public (bool Allowed, string Reason) Authorize(RequestAttributes request)
    {
        foreach (var (binding, subject, rules) in Grants(request.User, request.Namespace))
        {
            if (rules.Any(r => r.Allows(request)))
            {
                return (true, "RBAC: allowed by " + binding.Describe(subject));
            }
        }

        return (false, string.Empty);
    }

    /// <summary>Every rule that applies to the user in <paramref name="ns"/> (what SelfSubjectRulesReview lists).</summary>
    public IEnumerable<PolicyRule> RulesFor(UserInfo user, string ns) => Grants(user, ns).SelectMany(g => g.Rules);

    private IEnumerable<(RbacBinding Binding, RbacSubject Subject, IReadOnlyList<PolicyRule> Rules)> Grants(UserInfo user, string ns)
    {
        foreach (var binding in _clusterRoleBindings)
        {
            if (binding.RoleKind == "ClusterRole" && binding.Subjects.FirstOrDefault(s => s.AppliesTo(user)) is { } subject
                && _clusterRoles.TryGetValue(binding.RoleName, out var rules))
            {
                yield return (binding, subject, rules);
            }
        }

        if (ns.Length == 0 || !_roleBindings.TryGetValue(ns, out var bindings))
        {
            yield break;
        }

        foreach (var binding in bindings)
        {
            if (binding.Subjects.FirstOrDefault(s => s.AppliesTo(user)) is not { } subject)
            {
                continue;
            }

            var rules = binding.RoleKind switch
            {
                "ClusterRole" => _clusterRoles.GetValueOrDefault(binding.RoleName),
                "Role" => _roles.GetValueOrDefault((ns, binding.RoleName)),
                _ => null,
            };
            if (rules is not null)
            {
                yield return (binding, subject, rules);
            }
        }
    }

    private static string Name(JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;

    private static string Namespace(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>() ?? string.Empty;
}
