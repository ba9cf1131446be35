using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.Kube.Rbac;

/// <summary>A subject of a RoleBinding or ClusterRoleBinding: a User, a Group or a ServiceAccount.</summary>
public sealed record RbacSubject(string Kind, string Name, string Namespace)
{
    public static RbacSubject Parse(JsonNode? node, string bindingNamespace)
    {
        var ns = Text(node, "namespace");
        return new RbacSubject(Text(node, "kind"), Text(node, "name"), ns.Length == 0 ? bindingNamespace : ns);
    }

    public bool AppliesTo(UserInfo user) => Kind switch
    {
        "User" => user.Name == Name,
        "Group" => user.Groups.Contains(Name),
        "ServiceAccount" => user.Name == $"system:serviceaccount:{Namespace}:{Name}",
        _ => false,
    };

    /// <summary>How upstream names a subject in an RBAC reason, e.g. <c>User "alice"</c> or <c>ServiceAccount "sa/ns"</c>.</summary>
    public override string ToString() => Kind == "ServiceAccount" ? $"{Kind} \"{Name}/{Namespace}\"" : $"{Kind} \"{Name}\"";

    private static string Text(JsonNode? node, string property) =>
        node?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : string.Empty;
}
