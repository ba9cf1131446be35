using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Search.Access;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim;
using Clusterpedia.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.ApiServer.Tests.PerUser;

/// <summary>
/// The real server syncing a simulated member over HTTPS whose spec lists only pods: the member's RBAC is synced anyway
/// (not published, not searchable), and a RoleBinding created or deleted on the member changes what the server's
/// <see cref="MemberAccess"/> grants a user within the documented delay.
/// </summary>
public sealed class MemberRbacSyncTests : IAsyncLifetime
{
    private static readonly GroupVersionResource _pods = new("", "v1", "pods");
    private static readonly GroupVersionResource _clusterRoles = new("rbac.authorization.k8s.io", "v1", "clusterroles");
    private static readonly GroupVersionResource _roleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings");
    private static readonly UserInfo _viewer = UserInfo.Authenticated("viewer", null, []);

    // Watch latency of the synchro plus Security:PerUserResults:RefreshInterval (set to 1 s here), with room for a loaded machine.
    private static readonly TimeSpan _delay = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new("member-rbac-sync");
    private SimulatedCluster? _sim;
    private InProcessServer? _server;

    private HttpClient Http { get; } = new();

    private SimulatedCluster Sim => _sim!;

    private InProcessServer Server => _server!;

    public async Task InitializeAsync()
    {
        _sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "member", Token = "token-member", Seed = 3, Tls = true });
        _server = await InProcessServer.StartAsync(_directory.Path, "--Synchro:HealthInterval", "00:00:02", "--Security:PerUserResults:RefreshInterval", "00:00:01");
        var cluster = new JsonObject
        {
            ["apiVersion"] = "cluster.clusterpedia.io/v1alpha2",
            ["kind"] = "PediaCluster",
            ["metadata"] = new JsonObject { ["name"] = "member" },
            ["spec"] = new JsonObject
            {
                ["apiserver"] = Sim.Url.ToString().TrimEnd('/'),
                ["caData"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Sim.CaCertificatePem!)),
                ["tokenData"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Sim.Token!)),
                ["syncResources"] = new JsonArray(new JsonObject { ["group"] = "", ["resources"] = new JsonArray("pods") }),
            },
        };
        using var content = new StringContent(cluster.ToJsonString(), Encoding.UTF8, "application/json");
        using var created = await Http.PostAsync(new Uri(Server.Url, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters"), content);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        await PediaClusterReadiness.WaitAsync(Http, Server.Url, "member", TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_sim is not null)
        {
            await _sim.DisposeAsync();
        }

        _directory.Delete();
    }

    [Fact]
    public async Task RoleBinding_CreatedThenDeletedOnMember_GrantsFollowWithinTheDelay()
    {
        var access = Server.Services.GetRequiredService<MemberAccess>();
        var storage = Server.Services.GetRequiredService<IResourceStorage>();
        var ns = (string)Sim.Store.List(_pods)[0]["metadata"]!["namespace"]!;
        (await access.GrantsAsync(_viewer, "", "pods", null, CancellationToken.None)).ShouldBeEmpty("no binding names the viewer yet");

        Sim.Store.Create(_clusterRoles, null, """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"pod-lister"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["list"]}]}""");
        Sim.Store.Create(_roleBindings, ns, "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"viewer-pods\",\"namespace\":\"" + ns + "\"}," +
            "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"pod-lister\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"viewer\"}]}");

        IReadOnlyList<AccessGrant>? grants = null;
        await Eventually.UntilAsync(
            async () => (grants = await access.GrantsAsync(_viewer, "", "pods", null, CancellationToken.None)) is [{ Cluster: "member", Namespaces: [var only] }] && only == ns,
            _delay, "the RoleBinding grants the viewer the pods of its namespace");
        var listed = await storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods", Access = grants }, CancellationToken.None);
        listed.Items.Select(i => i.Name).Order(StringComparer.Ordinal).ShouldBe(
            Sim.Store.List(_pods, ns).Select(p => (string)p["metadata"]!["name"]!).Order(StringComparer.Ordinal));

        Sim.Store.Delete(_roleBindings, ns, "viewer-pods");
        await Eventually.UntilAsync(
            async () => await access.GrantsAsync(_viewer, "", "pods", null, CancellationToken.None) is [],
            _delay, "the deleted RoleBinding no longer grants anything");
    }

    [Fact]
    public async Task MemberRbac_NotInSyncResources_StoredButNotPublishedNorSearchable()
    {
        var storage = Server.Services.GetRequiredService<IResourceStorage>();
        var catalog = Server.Services.GetRequiredService<SyncedResourceCatalog>();
        Sim.Store.Create(_clusterRoles, null, """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"marker-role"},"rules":[]}""");

        await Eventually.UntilAsync(
            async () => (await storage.ListAsync(new ResourceQuery { Group = _clusterRoles.Group, Version = "v1", Resource = "clusterroles", Names = ["marker-role"] }, CancellationToken.None)).Items.Count == 1,
            _delay, "the member's ClusterRole is synced although the spec lists only pods");

        catalog.For("member").ShouldNotContain(r => r.Resource.Group == _clusterRoles.Group);
        using var search = await Http.GetAsync(new Uri(Server.Url, "/apis/clusterpedia.io/v1beta1/resources/apis/rbac.authorization.k8s.io/v1/clusterroles"));
        search.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var status = await Http.GetStringAsync(new Uri(Server.Url, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/member"));
        status.ShouldNotContain("clusterroles", customMessage: "the PediaCluster's status shows only what its spec asked for");
    }
}
