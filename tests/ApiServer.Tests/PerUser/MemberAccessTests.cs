using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Search.Access;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Server;
using Clusterpedia.Storage;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Tests.PerUser;

/// <summary>
/// Per-user results decided by each member's synced RBAC (<see cref="MemberAccess"/>) on a real SQLite store: the grants
/// it computes and what the store then lists under them, paging and counts included.
/// </summary>
public sealed class MemberAccessTests : IAsyncLifetime
{
    private static readonly UserInfo _viewer = UserInfo.Authenticated("viewer", null, ["developers"]);
    private static readonly GroupVersionResource _pods = new("", "v1", "pods");
    private static readonly GroupVersionResource _deployments = new("apps", "v1", "deployments");

    private readonly TempDirectory _directory = new("member-access");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero));
    private readonly SyncedResourceCatalog _catalog = new();
    private StorageHandle? _handle;
    private int _uid;

    private IResourceStorage Storage => _handle!.Resources;

    public async Task InitializeAsync()
    {
        _handle = await StorageFactory.OpenAsync(
            new StorageOptions { Engine = StorageOptions.Sqlite, ConnectionString = $"Data Source={_directory.File("store.db")}" }, CancellationToken.None);
        foreach (var cluster in new[] { "cluster-1", "cluster-2" })
        {
            _catalog.Set(cluster, [Synced(_pods, "Pod"), Synced(_deployments, "Deployment")]);
            foreach (var ns in new[] { "default", "team-b", "kube-system" })
            {
                await Storage.UpsertAsync([Object(cluster, _pods, "Pod", ns, "a"), Object(cluster, _pods, "Pod", ns, "b"), Object(cluster, _deployments, "Deployment", ns, "web")], Ct);
            }

            await Storage.UpsertAsync([Role(cluster, "ClusterRole", null, "view", """[{"apiGroups":["","apps"],"resources":["pods","deployments"],"verbs":["list"]}]""")], Ct);
        }
    }

    public async Task DisposeAsync()
    {
        if (_handle is not null)
        {
            await _handle.DisposeAsync();
        }

        _directory.Delete();
    }

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task GrantsAsync_RoleBindingInOneNamespace_OnlyThatNamespaceOfThatCluster()
    {
        await Storage.UpsertAsync([Binding("cluster-1", "default", "RoleBinding", "view", "User", "viewer")], Ct);

        var grants = await Access().GrantsAsync(_viewer, "", "pods", null, Ct);
        var items = (await Storage.ListAsync(Query(_pods) with { Access = grants }, Ct)).Items;

        items.Select(i => $"{i.Cluster}/{i.Namespace}/{i.Name}").ShouldBe(["cluster-1/default/a", "cluster-1/default/b"]);
    }

    [Fact]
    public async Task GrantsAsync_NoBindingAnywhere_NothingWithoutError()
    {
        var grants = await Access().GrantsAsync(_viewer, "", "pods", null, Ct);
        var page = await Storage.ListAsync(Query(_pods) with { Access = grants, Limit = 1, WithRemainingCount = true }, Ct);

        grants.ShouldBeEmpty();
        page.Items.ShouldBeEmpty();
        page.Continue.ShouldBeNull();
    }

    [Fact]
    public async Task GrantsAsync_GroupClusterRoleBindingOnOneCluster_EverythingThereWithExactPaging()
    {
        await Storage.UpsertAsync([Binding("cluster-2", null, "ClusterRoleBinding", "view", "Group", "developers")], Ct);
        var grants = await Access().GrantsAsync(_viewer, "", "pods", null, Ct);

        var first = await Storage.ListAsync(Query(_pods) with { Access = grants, Limit = 4, WithRemainingCount = true }, Ct);
        var second = await Storage.ListAsync(Query(_pods) with { Access = grants, Limit = 4, WithRemainingCount = true, Continue = first.Continue }, Ct);

        first.Items.ShouldAllBe(i => i.Cluster == "cluster-2");
        first.RemainingItemCount.ShouldBe(2);
        second.Items.Count.ShouldBe(2);
        second.Continue.ShouldBeNull();
    }

    [Fact]
    public async Task GrantsAsync_NoUserMastersOrDisabled_NoFilter()
    {
        var admin = UserInfo.Authenticated("admin", null, ["system:masters"]);

        (await Access().GrantsAsync(null, "", "pods", null, Ct)).ShouldBeNull("no authentication: nobody is filtered");
        (await Access().GrantsAsync(admin, "", "pods", null, Ct)).ShouldBeNull();
        (await Access(enabled: false).GrantsAsync(_viewer, "", "pods", null, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task GrantsAsync_BindingAddedLater_CountsOnceTheRefreshIntervalPassed()
    {
        var access = Access();
        (await access.GrantsAsync(_viewer, "", "pods", "cluster-1", Ct)).ShouldBeEmpty();

        await Storage.UpsertAsync([Binding("cluster-1", null, "ClusterRoleBinding", "view", "User", "viewer")], Ct);
        (await access.GrantsAsync(_viewer, "", "pods", "cluster-1", Ct)).ShouldBeEmpty("the member's RBAC is reused for the refresh interval");

        _clock.Advance(TimeSpan.FromSeconds(5));
        (await access.GrantsAsync(_viewer, "", "pods", "cluster-1", Ct)).ShouldBe([new AccessGrant("cluster-1", null)]);
    }

    [Fact]
    public async Task GrantsAsync_CollectionTypes_EachTypeByItsOwnRules()
    {
        await Storage.UpsertAsync(
        [
            Role("cluster-1", "Role", "team-b", "pod-reader", """[{"apiGroups":[""],"resources":["pods"],"verbs":["list"]}]"""),
            Binding("cluster-1", "team-b", "RoleBinding", "pod-reader", "User", "viewer", roleKind: "Role"),
        ], Ct);

        var types = new[] { new ResourceTypeFilter("apps", null, "deployments"), new ResourceTypeFilter("", null, "pods") };
        var grants = await Access().GrantsAsync(_viewer, types, Ct);
        var query = new ResourceQuery { Group = "", Version = "", Resource = "", ResourceTypes = types, Access = grants };
        var items = (await Storage.ListAsync(query, Ct)).Items;

        items.Select(i => $"{i.Resource}:{i.Cluster}/{i.Namespace}/{i.Name}").ShouldBe(["pods:cluster-1/team-b/a", "pods:cluster-1/team-b/b"]);
    }

    [Fact]
    public async Task CanSeeAsync_ObjectOutsideTheUsersNamespaces_False()
    {
        await Storage.UpsertAsync([Binding("cluster-1", "default", "RoleBinding", "view", "User", "viewer")], Ct);
        var access = Access();

        (await access.CanSeeAsync(_viewer, "cluster-1", "", "pods", "default", Ct)).ShouldBeTrue();
        (await access.CanSeeAsync(_viewer, "cluster-1", "", "pods", "team-b", Ct)).ShouldBeFalse();
        (await access.CanSeeAsync(_viewer, "cluster-2", "", "pods", "default", Ct)).ShouldBeFalse();
    }

    private MemberAccess Access(bool enabled = true) =>
        new(Storage, _catalog, Options.Create(new PerUserResultsOptions { Enabled = enabled }), _clock);

    private static ResourceQuery Query(GroupVersionResource gvr) => new() { Group = gvr.Group, Version = gvr.Version, Resource = gvr.Resource };

    private static SyncedResource Synced(GroupVersionResource gvr, string kind) => new(gvr, kind, kind.ToLowerInvariant(), true, [], []);

    private ResourceRecord Object(string cluster, GroupVersionResource gvr, string kind, string? ns, string name, JsonObject? body = null)
    {
        var uid = $"uid-{Interlocked.Increment(ref _uid)}";
        var metadata = new JsonObject { ["name"] = name, ["uid"] = uid, ["resourceVersion"] = "1" };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        var json = body ?? [];
        json["apiVersion"] = gvr.Group.Length == 0 ? gvr.Version : $"{gvr.Group}/{gvr.Version}";
        json["kind"] = kind;
        json["metadata"] = metadata;
        return new ResourceRecord
        {
            Cluster = cluster,
            Group = gvr.Group,
            Version = gvr.Version,
            Resource = gvr.Resource,
            Kind = kind,
            Namespace = ns ?? "",
            Name = name,
            Uid = uid,
            ResourceVersion = "1",
            Object = Encoding.UTF8.GetBytes(json.ToJsonString()),
        };
    }

    private ResourceRecord Role(string cluster, string kind, string? ns, string name, string rules) =>
        Object(cluster, new GroupVersionResource(MemberAccess.RbacGroup, "v1", kind == "Role" ? "roles" : "clusterroles"), kind, ns, name,
            new JsonObject { ["rules"] = JsonNode.Parse(rules) });

    private ResourceRecord Binding(string cluster, string? ns, string kind, string name, string subjectKind, string subject, string roleKind = "ClusterRole") =>
        Object(cluster, new GroupVersionResource(MemberAccess.RbacGroup, "v1", kind == "RoleBinding" ? "rolebindings" : "clusterrolebindings"), kind, ns, name,
            new JsonObject
            {
                ["roleRef"] = new JsonObject { ["apiGroup"] = MemberAccess.RbacGroup, ["kind"] = roleKind, ["name"] = name == "pod-reader" ? "pod-reader" : "view" },
                ["subjects"] = new JsonArray(new JsonObject { ["kind"] = subjectKind, ["name"] = subject }),
            });
}
