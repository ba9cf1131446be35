using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Clusterpedia.Kube;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// Per-user results end to end through the simulated host's aggregation layer (front proxy, TokenReview at the host):
/// the viewer, bound to view only the member's kube-system, against the host's administrator (system:masters), on every
/// search path — Table and chunked lists with kubectl 1.27 and 1.33, collection resources, limits with
/// remainingItemCount, continue tokens handed between users, a get by name, watch, and a member RBAC change.
/// </summary>
public sealed class PerUserSearchPathTests(HostedSecurityEnvironment env) : IClassFixture<HostedSecurityEnvironment>
{
    private const string _adminToken = "host-admin-token";
    private const string _visibleNamespace = "kube-system";
    private const string _deployments = "/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments";
    private static readonly GroupVersionResource _deploymentsGvr = new("apps", "v1", "deployments");

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task KubectlGetChunked_ViewerAndAdmin_ViewerPagesHoldOnlyVisibleRows(string binary)
    {
        using var viewer = await env.HostKubectlAsync(HostedSecurityEnvironment.ViewerToken, search: true, binary);
        using var admin = await env.HostKubectlAsync(_adminToken, search: true, binary);

        // --chunk-size 1: one object per page, so every page is a filtered query and an empty page would show as a loop.
        var viewerRows = Rows(await viewer.OkAsync("get", "deployments", "-A", "--chunk-size", "1"));
        var adminRows = Rows(await admin.OkAsync("get", "deployments", "-A", "--chunk-size", "1"));

        viewerRows.ShouldNotBeEmpty();
        viewerRows.ShouldAllBe(r => r.Namespace == _visibleNamespace);
        adminRows.Select(r => r.Namespace).Distinct().Count().ShouldBeGreaterThan(1, "the admin sees every namespace");
        viewerRows.Select(r => r.Name).Order(StringComparer.Ordinal)
            .ShouldBe(adminRows.Where(r => r.Namespace == _visibleNamespace).Select(r => r.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task KubectlGetCollectionResources_Viewer_OnlyVisibleObjects()
    {
        using var viewer = await env.HostKubectlAsync(HostedSecurityEnvironment.ViewerToken, search: false);
        using var admin = await env.HostKubectlAsync(_adminToken, search: false);

        var viewerItems = Namespaces(await viewer.OkAsync("get", "collectionresources", "workloads", "-o", "json"));
        var adminItems = Namespaces(await admin.OkAsync("get", "collectionresources", "workloads", "-o", "json"));

        viewerItems.ShouldNotBeEmpty();
        viewerItems.ShouldAllBe(ns => ns == _visibleNamespace);
        adminItems.Count(ns => ns == _visibleNamespace).ShouldBe(viewerItems.Count);
        adminItems.Count.ShouldBeGreaterThan(viewerItems.Count);
    }

    [Fact]
    public async Task List_ViewerLimitOne_RemainingItemCountIsWhatTheViewerCanSee()
    {
        var visible = (await ListAsync(HostedSecurityEnvironment.ViewerToken, _deployments)).Items.Count;
        var all = (await ListAsync(_adminToken, _deployments)).Items.Count;

        var (items, metadata) = await ListAsync(HostedSecurityEnvironment.ViewerToken, _deployments + "?limit=1&withRemainingCount=true");

        all.ShouldBeGreaterThan(visible);
        items.Count.ShouldBe(1);
        metadata.GetProperty("remainingItemCount").GetInt64().ShouldBe(visible - 1);
    }

    [Fact]
    public async Task Continue_AdminTokenReplayedByViewer_ViewerStillSeesOnlyVisibleObjects()
    {
        // A continue token is a keyset position, not a grant: whoever presents it gets their own view after that position.
        var (_, adminPage) = await ListAsync(_adminToken, _deployments + "?limit=1");
        var token = adminPage.GetProperty("continue").GetString()!;

        var (items, _) = await ListAsync(HostedSecurityEnvironment.ViewerToken, _deployments + "?limit=500&continue=" + Uri.EscapeDataString(token));

        items.ShouldAllBe(i => i.Namespace == _visibleNamespace);
    }

    [Fact]
    public async Task Get_InvisibleObjectByName_NotFoundLikeAMissingOne()
    {
        var hidden = (await ListAsync(_adminToken, _deployments)).Items.First(i => i.Namespace != _visibleNamespace);
        var visible = (await ListAsync(_adminToken, _deployments)).Items.First(i => i.Namespace == _visibleNamespace);

        var (hiddenCode, hiddenStatus) = await GetAsync(HostedSecurityEnvironment.ViewerToken, ObjectPath(hidden.Namespace, hidden.Name));
        var (missingCode, missingStatus) = await GetAsync(HostedSecurityEnvironment.ViewerToken, ObjectPath(hidden.Namespace, "no-such-deployment"));
        var (visibleCode, _) = await GetAsync(HostedSecurityEnvironment.ViewerToken, ObjectPath(visible.Namespace, visible.Name));
        var (adminCode, _) = await GetAsync(_adminToken, ObjectPath(hidden.Namespace, hidden.Name));

        hiddenCode.ShouldBe(404);
        missingCode.ShouldBe(404);
        hiddenStatus.GetProperty("reason").GetString().ShouldBe("NotFound");
        hiddenStatus.GetProperty("message").GetString().ShouldBe($"deployments.apps \"{hidden.Name}\" not found");
        missingStatus.GetProperty("message").GetString().ShouldBe("deployments.apps \"no-such-deployment\" not found");
        visibleCode.ShouldBe(200);
        adminCode.ShouldBe(200);
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task KubectlGetWatch_Viewer_InvisibleChangeNeverArrivesVisibleOneDoes(string binary)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var hiddenName = "hidden-" + suffix;
        var shownName = "shown-" + suffix;
        using var viewer = await env.HostKubectlAsync(HostedSecurityEnvironment.ViewerToken, search: true, binary);
        using var watch = new WatchedOutput(viewer.Start("get", "deployments", "-A", "-w"));

        // The whole initial list printed means the watch runs from its resourceVersion: every change after it is an event.
        var initial = (await ListAsync(HostedSecurityEnvironment.ViewerToken, _deployments)).Items.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var existing in initial)
        {
            await watch.WaitForLineAsync(l => RowName(l) == existing, "the initial row " + existing);
        }

        env.Member.Store.Create(_deploymentsGvr, "default", DeploymentJson(hiddenName, "default"));
        env.Member.Store.Create(_deploymentsGvr, _visibleNamespace, DeploymentJson(shownName, _visibleNamespace));

        // Both are synced in the member's order, so the hidden one would be the first event if it were let through.
        var first = await watch.WaitForLineAsync(l => RowName(l) is { } n && n != "NAME" && !initial.Contains(n), "an event after the initial list");

        first.ShouldContain(shownName);
        watch.Text.ShouldNotContain(hiddenName);
    }

    [Fact]
    public async Task MemberRoleBinding_GrantedThenRevokedWithKubectl_ViewerSeesThenLosesTheNamespace()
    {
        using var member = new Kubectl(env.Member, Kubectl.Newest);
        var name = "viewer-view-default-" + Guid.NewGuid().ToString("N")[..6];
        env.Member.Store.Create(_deploymentsGvr, "default", DeploymentJson("granted-" + name, "default"));
        var bound = TimeSpan.FromSeconds(20); // docs/security.md: watch latency (under a second) + RefreshInterval (5 s)
        var stopwatch = Stopwatch.StartNew();
        await member.OkAsync("create", "rolebinding", name, "-n", "default", "--clusterrole", "view", "--user", "viewer");
        try
        {
            await Eventually.UntilAsync(async () => (await ListAsync(HostedSecurityEnvironment.ViewerToken, _deployments)).Items.Any(i => i.Namespace == "default"),
                bound, "the viewer to see the default namespace after the member granted view there");
            var granted = stopwatch.Elapsed;

            stopwatch.Restart();
            await member.OkAsync("delete", "rolebinding", name, "-n", "default");
            await Eventually.UntilAsync(async () => (await ListAsync(HostedSecurityEnvironment.ViewerToken, _deployments)).Items.All(i => i.Namespace == _visibleNamespace),
                bound, "the viewer to lose the default namespace after the member revoked view there");

            granted.ShouldBeLessThan(bound);
            stopwatch.Elapsed.ShouldBeLessThan(bound);
        }
        finally
        {
            await member.RunAsync("delete", "rolebinding", name, "-n", "default", "--ignore-not-found");
        }
    }

    private static string? RowName(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2);

    private static string ObjectPath(string ns, string name) =>
        $"/apis/clusterpedia.io/v1beta1/resources/clusters/member/apis/apps/v1/namespaces/{ns}/deployments/{name}";

    private static string DeploymentJson(string name, string ns) => """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","namespace":"NS"},
         "spec":{"replicas":0,"selector":{"matchLabels":{"app":"NAME"}},
                 "template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("NS", ns, StringComparison.Ordinal);

    private async Task<(List<(string Namespace, string Name)> Items, JsonElement Metadata)> ListAsync(string token, string path)
    {
        var (code, body) = await GetAsync(token, path);
        code.ShouldBe(200, body.GetRawText());
        var items = body.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("metadata").GetProperty("namespace").GetString()!, i.GetProperty("metadata").GetProperty("name").GetString()!))
            .ToList();
        return (items, body.GetProperty("metadata"));
    }

    private async Task<(int Code, JsonElement Body)> GetAsync(string token, string path)
    {
        using var http = TrustingHttp.Create(env.Host.CaCertificatePem!);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Host.Url, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static List<string> Namespaces(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("metadata").GetProperty("namespace").GetString()!)];

    private static List<(string Namespace, string Cluster, string Name)> Rows(string table) =>
        [.. table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(c => (c[0], c[1], c[2]))];
}
