using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.Kube.Rbac;

/// <summary>
/// The Roles, ClusterRoles and bindings of one cluster at one moment, parsed once, and kube-apiserver's RBAC evaluation
/// on them: ClusterRoleBindings first, then the RoleBindings of the namespace. Used by the simulator's authorizer and,
/// for members' synced RBAC, by our server's per-user results.
/// </summary>
public sealed class RbacPolicySet
{
    /// <summary>kube-apiserver's privileged group: allowed everything before RBAC is asked.</summary>
    public const string MastersGroup = "system:masters";

    private const string _listVerb = "list";

    private readonly Dictionary<string, IReadOnlyList<PolicyRule>> _clusterRoles;
    private readonly Dictionary<(string Namespace, string Name), IReadOnlyList<PolicyRule>> _roles;
    private readonly List<RbacBinding> _clusterRoleBindings;
    private readonly Dictionary<string, List<RbacBinding>> _roleBindings;

    public RbacPolicySet(
        IEnumerable<JsonObject> clusterRoles, IEnumerable<JsonObject> roles, IEnumerable<JsonObject> clusterRoleBindings, IEnumerable<JsonObject> roleBindings)
    {
        // Last one wins on duplicate names, as a store keyed by name would keep it.
        _clusterRoles = new(StringComparer.Ordinal);
        foreach (var role in clusterRoles)
        {
            _clusterRoles[Name(role)] = PolicyRule.ParseAll(role["rules"]);
        }

        _roles = [];
        foreach (var role in roles)
        {
            _roles[(Namespace(role), Name(role))] = PolicyRule.ParseAll(role["rules"]);
        }

        _clusterRoleBindings = clusterRoleBindings.Select(RbacBinding.Parse).ToList();
        _roleBindings = roleBindings.Select(RbacBinding.Parse).GroupBy(b => b.Namespace).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    /// <summary>A set with no roles and no bindings: nobody but system:masters may do anything.</summary>
    public static RbacPolicySet Empty { get; } = new([], [], [], []);

    /// <summary>Every grant that applies to the user in <paramref name="ns"/> (empty: cluster-wide grants only), in evaluation order.</summary>
    public IEnumerable<RbacGrant> Grants(UserInfo user, string ns)
    {
        ArgumentNullException.ThrowIfNull(user);
        foreach (var binding in _clusterRoleBindings)
        {
            if (binding.RoleKind == "ClusterRole" && binding.Subjects.FirstOrDefault(s => s.AppliesTo(user)) is { } subject
                && _clusterRoles.TryGetValue(binding.RoleName, out var rules))
            {
                yield return new RbacGrant(binding, subject, rules);
            }
        }

        if (ns.Length == 0 || !_roleBindings.TryGetValue(ns, out var bindings))
        {
            yield break;
        }

        foreach (var grant in NamespaceGrants(user, ns, bindings))
        {
            yield return grant;
        }
    }

    /// <summary>
    /// Where the user may <c>list</c> the resource: everywhere when a ClusterRoleBinding allows it (or the user is in
    /// system:masters), else the namespaces whose RoleBindings allow it. Rules with resourceNames never allow a list.
    /// </summary>
    public ListScope ListScope(UserInfo user, string apiGroup, string resource)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Groups.Contains(MastersGroup))
        {
            return Rbac.ListScope.All;
        }

        if (Grants(user, string.Empty).Any(g => g.Rules.Any(r => r.AllowsResource(_listVerb, apiGroup, resource, string.Empty, string.Empty))))
        {
            return Rbac.ListScope.All;
        }

        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (ns, bindings) in _roleBindings)
        {
            if (NamespaceGrants(user, ns, bindings).Any(g => g.Rules.Any(r => r.AllowsResource(_listVerb, apiGroup, resource, string.Empty, string.Empty))))
            {
                namespaces.Add(ns);
            }
        }

        return namespaces.Count == 0 ? Rbac.ListScope.None : new ListScope(false, namespaces);
    }

    private IEnumerable<RbacGrant> NamespaceGrants(UserInfo user, string ns, List<RbacBinding> bindings)
    {
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
                yield return new RbacGrant(binding, subject, rules);
            }
        }
    }

    private static string Name(JsonObject obj) => obj["metadata"]?["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;

    private static string Namespace(JsonObject obj) => obj["metadata"]?["namespace"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;
}
