using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>A RoleBinding (with a namespace) or a ClusterRoleBinding (without): a role granted to subjects.</summary>
internal sealed record RbacBinding(string Name, string Namespace, string RoleKind, string RoleName, IReadOnlyList<RbacSubject> Subjects)
{
    public static RbacBinding Parse(JsonObject obj)
    {
        var metadata = obj["metadata"];
        var ns = metadata?["namespace"]?.GetValue<string>() ?? string.Empty;
        var roleRef = obj["roleRef"];
        var subjects = obj["subjects"] is JsonArray array ? array.Select(s => RbacSubject.Parse(s, ns)).ToList() : [];
        return new RbacBinding(
            metadata?["name"]?.GetValue<string>() ?? string.Empty, ns,
            roleRef?["kind"]?.GetValue<string>() ?? string.Empty, roleRef?["name"]?.GetValue<string>() ?? string.Empty, subjects);
    }

    /// <summary>Upstream's wording of the grant, e.g. <c>RoleBinding "view/default" of ClusterRole "view" to User "viewer"</c>.</summary>
    public string Describe(RbacSubject subject) => Namespace.Length == 0
        ? $"ClusterRoleBinding \"{Name}\" of {RoleKind} \"{RoleName}\" to {subject}"
        : $"RoleBinding \"{Name}/{Namespace}\" of {RoleKind} \"{RoleName}\" to {subject}";
}
