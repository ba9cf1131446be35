using System.Text.Json.Nodes;
using Clusterpedia.Kube.Rbac;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.Kube.Tests.Rbac;

/// <summary>Where a user may list a resource under a cluster's RBAC objects, as kube-apiserver's RBAC authorizer would answer list requests.</summary>
public sealed class RbacPolicySetTests
{
    private static readonly UserInfo _viewer = UserInfo.Authenticated("viewer", null, ["team-a"]);

    private static readonly JsonObject _viewRole = Role("ClusterRole", null, "view", """[{"apiGroups":["","apps"],"resources":["pods","deployments"],"verbs":["get","list","watch"]}]""");

    [Fact]
    public void ListScope_NoBindings_None()
    {
        var policy = new RbacPolicySet([_viewRole], [], [], []);

        policy.ListScope(_viewer, "", "pods").IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void ListScope_ClusterRoleBinding_AllNamespaces()
    {
        var policy = new RbacPolicySet([_viewRole], [], [Binding(null, "all", "ClusterRole", "view", User("viewer"))], []);

        policy.ListScope(_viewer, "apps", "deployments").AllNamespaces.ShouldBeTrue();
        policy.ListScope(_viewer, "", "secrets").IsEmpty.ShouldBeTrue("the role does not name secrets");
        policy.ListScope(_viewer, "batch", "pods").IsEmpty.ShouldBeTrue("the role does not name the batch group");
    }

    [Fact]
    public void ListScope_RoleBindingsOfClusterRoleAndRole_ThoseNamespacesOnly()
    {
        var role = Role("Role", "team-b", "pod-reader", """[{"apiGroups":[""],"resources":["pods"],"verbs":["list"]}]""");
        var policy = new RbacPolicySet([_viewRole], [role], [],
        [
            Binding("default", "view", "ClusterRole", "view", User("viewer")),
            Binding("team-b", "read", "Role", "pod-reader", Group("team-a")),
            Binding("team-c", "other", "ClusterRole", "view", User("someone-else")),
            Binding("team-d", "missing", "Role", "pod-reader", User("viewer")),
        ]);

        var scope = policy.ListScope(_viewer, "", "pods");

        scope.AllNamespaces.ShouldBeFalse();
        scope.Namespaces.Order(StringComparer.Ordinal).ShouldBe(["default", "team-b"]);
        scope.Covers("").ShouldBeFalse("cluster-scoped objects need a cluster-wide grant");
    }

    [Fact]
    public void ListScope_VerbsAndResourceNames_OnlyListWithoutNamesCounts()
    {
        var policy = new RbacPolicySet(
            [
                Role("ClusterRole", null, "getter", """[{"apiGroups":[""],"resources":["pods"],"verbs":["get","watch"]}]"""),
                Role("ClusterRole", null, "named", """[{"apiGroups":[""],"resources":["pods"],"verbs":["list"],"resourceNames":["web"]}]"""),
                Role("ClusterRole", null, "star", """[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]"""),
            ],
            [],
            [Binding(null, "g", "ClusterRole", "getter", User("viewer")), Binding(null, "n", "ClusterRole", "named", User("viewer"))],
            [Binding("ops", "s", "ClusterRole", "star", Group(UserInfo.AuthenticatedGroup))]);

        var scope = policy.ListScope(_viewer, "", "pods");

        scope.AllNamespaces.ShouldBeFalse();
        scope.Namespaces.ShouldBe(["ops"]);
    }

    [Fact]
    public void ListScope_ServiceAccountSubject_MatchesItsUserName()
    {
        var account = UserInfo.Authenticated("system:serviceaccount:ci:builder", null, []);
        var subject = new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "builder", ["namespace"] = "ci" };
        var policy = new RbacPolicySet([_viewRole], [], [Binding(null, "sa", "ClusterRole", "view", subject)], []);

        policy.ListScope(account, "", "pods").AllNamespaces.ShouldBeTrue();
        policy.ListScope(_viewer, "", "pods").IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void ListScope_SystemMasters_AllWithoutBindings()
    {
        var admin = UserInfo.Authenticated("admin", null, [RbacPolicySet.MastersGroup]);

        RbacPolicySet.Empty.ListScope(admin, "", "secrets").AllNamespaces.ShouldBeTrue();
    }

    [Fact]
    public void Parse_WrongTypedFields_ReadAsEmptyInsteadOfThrowing()
    {
        var binding = JsonNode.Parse("""{"metadata":{"name":7,"namespace":"x"},"roleRef":{"kind":["ClusterRole"],"name":"view"},"subjects":[{"kind":"User","name":false}]}""")!.AsObject();

        var policy = new RbacPolicySet([_viewRole], [], [], [binding]);

        policy.ListScope(_viewer, "", "pods").IsEmpty.ShouldBeTrue();
    }

    private static JsonObject Role(string kind, string? ns, string name, string rules)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        return new JsonObject { ["kind"] = kind, ["metadata"] = metadata, ["rules"] = JsonNode.Parse(rules) };
    }

    private static JsonObject Binding(string? ns, string name, string roleKind, string roleName, JsonObject subject)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        return new JsonObject
        {
            ["metadata"] = metadata,
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = roleKind, ["name"] = roleName },
            ["subjects"] = new JsonArray(subject),
        };
    }

    private static JsonObject User(string name) => new() { ["kind"] = "User", ["name"] = name };

    private static JsonObject Group(string name) => new() { ["kind"] = "Group", ["name"] = name };
}
