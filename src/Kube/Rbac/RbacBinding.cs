using System.Text.Json.Nodes;

namespace Clusterpedia.Kube.Rbac;

/// <summary>A RoleBinding (with a namespace) or a ClusterRoleBinding (without): a role granted to subjects.</summary>
public sealed record RbacBinding(string Name, string Namespace, string RoleKind, string RoleName, IReadOnlyList<RbacSubject> Subjects)
{
    public static RbacBinding Parse(JsonObject obj)
    {
        var metadata = obj["metadata"];
        var ns = Text(metadata, "namespace");
        var roleRef = obj["roleRef"];
        var subjects = obj["subjects"] is JsonArray array ? array.Select(s => RbacSubject.Parse(s, ns)).ToList() : [];
        return new RbacBinding(
            Text(metadata, "name"), ns, Text(roleRef, "kind"), Text(roleRef, "name"), subjects);
    }

    /// <summary>Upstream's wording of the grant, e.g. <c>RoleBinding "view/default" of ClusterRole "view" to User "viewer"</c>.</summary>
    public string Describe(RbacSubject subject) => Namespace.Length == 0
        ? $"ClusterRoleBinding \"{Name}\" of {RoleKind} \"{RoleName}\" to {subject}"
        : $"RoleBinding \"{Name}/{Namespace}\" of {RoleKind} \"{RoleName}\" to {subject}";

    // Objects come from member clusters too: a value of the wrong type reads as empty rather than throwing.
    private static string Text(JsonNode? node, string property) =>
        node?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : string.Empty;
}
