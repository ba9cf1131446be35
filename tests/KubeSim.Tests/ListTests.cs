using System.Net;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests;

public sealed class ListTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task ListPods_AllNamespaces_ItemsHaveNoTypeMetaAndListHasResourceVersion()
    {
        var list = await _http.GetObjectAsync("/api/v1/pods");

        list.Str("kind").ShouldBe("PodList");
        list.Str("apiVersion").ShouldBe("v1");
        long.Parse(list.Str("metadata.resourceVersion")).ShouldBeGreaterThan(0);
        var items = list["items"]!.AsArray();
        items.Count.ShouldBeGreaterThan(10);
        items[0]!.AsObject().ContainsKey("kind").ShouldBeFalse();
        items.ShouldAllBe(p => p.Str("status.phase") == "Running");
    }

    [Fact]
    public async Task ListPods_PagedWithLimit_EveryObjectExactlyOnce()
    {
        var all = (await _http.GetObjectAsync("/api/v1/pods"))["items"]!.AsArray().Select(p => p.Str("metadata.uid")).ToList();
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _http.GetObjectAsync("/api/v1/pods?limit=4" + (token is null ? string.Empty : "&continue=" + Uri.EscapeDataString(token)));
            seen.AddRange(page["items"]!.AsArray().Select(p => p.Str("metadata.uid")));
            token = page["metadata"]!["continue"]?.GetValue<string>();
            pages++;
        }
        while (token is not null);

        pages.ShouldBeGreaterThan(2);
        seen.ShouldBe(all);
        seen.Distinct().Count().ShouldBe(seen.Count);
    }

    [Fact]
    public async Task ListConfigMaps_PagedWhileWriting_SnapshotOfFirstPage()
    {
        var gvr = new GroupVersionResource(string.Empty, "v1", "configmaps");
        var before = (await _http.GetObjectAsync("/api/v1/configmaps"))["items"]!.AsArray().Select(p => p.Str("metadata.uid")).ToList();
        var first = await _http.GetObjectAsync("/api/v1/configmaps?limit=2");
        var seen = first["items"]!.AsArray().Select(p => p.Str("metadata.uid")).ToList();
        // Writes between pages: a new object and a deletion must not show in the rest of the paged list.
        fixture.Cluster.Store.Create(gvr, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "zz-paging-new" } });
        var token = first["metadata"]!["continue"]!.GetValue<string>();
        while (token is not null)
        {
            var page = await _http.GetObjectAsync("/api/v1/configmaps?limit=2&continue=" + Uri.EscapeDataString(token));
            page.Str("metadata.resourceVersion").ShouldBe(first.Str("metadata.resourceVersion"));
            seen.AddRange(page["items"]!.AsArray().Select(p => p.Str("metadata.uid")));
            token = page["metadata"]!["continue"]?.GetValue<string>();
        }

        seen.ShouldBe(before);
        fixture.Cluster.Store.Delete(gvr, "default", "zz-paging-new");
    }

    [Fact]
    public async Task ListPods_LabelSelector_OnlyMatching()
    {
        var list = await _http.GetObjectAsync("/api/v1/namespaces/kube-system/pods?labelSelector=" + Uri.EscapeDataString("app in (coredns),pod-template-hash"));
        var items = list["items"]!.AsArray();

        items.Count.ShouldBe(2);
        items.ShouldAllBe(p => p.Str("metadata.name").StartsWith("coredns-"));
    }

    [Fact]
    public async Task ListPods_FieldSelectorNameAndNotEquals_OnlyMatching()
    {
        var pods = (await _http.GetObjectAsync("/api/v1/namespaces/kube-system/pods"))["items"]!.AsArray();
        var name = pods[0].Str("metadata.name");

        var one = await _http.GetObjectAsync($"/api/v1/pods?fieldSelector=metadata.name%3D{name}");
        var rest = await _http.GetObjectAsync($"/api/v1/namespaces/kube-system/pods?fieldSelector=metadata.name!%3D{name},status.phase%3DRunning");

        one["items"]!.AsArray().Count.ShouldBe(1);
        rest["items"]!.AsArray().Count.ShouldBe(pods.Count - 1);
    }

    [Fact]
    public async Task ListPods_BadSelector_BadRequestStatus()
    {
        using var response = await _http.GetAsync("/api/v1/pods?labelSelector=" + Uri.EscapeDataString("a in (b"));
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        status.Str("reason").ShouldBe("BadRequest");
        using var unsupported = await _http.GetAsync("/api/v1/pods?fieldSelector=spec.bogus%3D1");
        unsupported.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task GetPod_Missing_NotFoundStatus()
    {
        using var response = await _http.GetAsync("/api/v1/namespaces/default/pods/nope");
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        status.Str("kind").ShouldBe("Status");
        status.Str("status").ShouldBe("Failure");
        status.Str("message").ShouldBe("pods \"nope\" not found");
        status.Str("details.kind").ShouldBe("pods");
        status["code"]!.GetValue<int>().ShouldBe(404);
    }

    [Fact]
    public async Task GetDeployment_Coredns_FullObjectWithOwnedReplicaSetAndPods()
    {
        var deployment = await _http.GetObjectAsync("/apis/apps/v1/namespaces/kube-system/deployments/coredns");
        var sets = (await _http.GetObjectAsync("/apis/apps/v1/namespaces/kube-system/replicasets?labelSelector=app%3Dcoredns"))["items"]!.AsArray();

        deployment.Str("kind").ShouldBe("Deployment");
        deployment.Str("apiVersion").ShouldBe("apps/v1");
        deployment["status"]!["readyReplicas"]!.GetValue<int>().ShouldBe(2);
        deployment["metadata"]!["annotations"]!.AsObject().ContainsKey("kubectl.kubernetes.io/last-applied-configuration").ShouldBeTrue();
        var set = sets.ShouldHaveSingleItem()!;
        set["metadata"]!["ownerReferences"]![0].Str("uid").ShouldBe(deployment.Str("metadata.uid"));
        var hash = set.Str("metadata.labels.pod-template-hash");
        var pods = (await _http.GetObjectAsync($"/api/v1/namespaces/kube-system/pods?labelSelector=pod-template-hash%3D{hash}"))["items"]!.AsArray();
        pods.Count.ShouldBe(2);
        pods.ShouldAllBe(p => p!["metadata"]!["ownerReferences"]![0].Str("uid") == set.Str("metadata.uid"));
    }

    [Fact]
    public async Task CreateAndDelete_OverHttp_CreatedThenSuccessStatus()
    {
        using var content = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"},"data":{"a":"b"}}""", System.Text.Encoding.UTF8, "application/json");
        using var created = await _http.PostAsync("/api/v1/namespaces/default/configmaps", content);
        var obj = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var name = obj.Str("metadata.name");

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        name.ShouldStartWith("gen-");
        obj.Str("metadata.uid").ShouldNotBeEmpty();
        obj.Str("metadata.creationTimestamp").ShouldNotBeEmpty();
        using var again = await _http.PostAsync("/api/v1/namespaces/default/configmaps",
            new StringContent("{\"metadata\":{\"name\":\"" + name + "\"}}", System.Text.Encoding.UTF8, "application/json"));
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        using var deleted = await _http.DeleteAsync($"/api/v1/namespaces/default/configmaps/{name}");
        JsonNode.Parse(await deleted.Content.ReadAsStringAsync()).Str("status").ShouldBe("Success");
        using var gone = await _http.GetAsync($"/api/v1/namespaces/default/configmaps/{name}");
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnyRequest_TokenRequiredAndMissing_UnauthorizedStatus()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Token = "s3cret", Namespaces = 0 });
        using var http = new HttpClient { BaseAddress = cluster.Url };

        using var anonymous = await http.GetAsync("/api/v1/pods");
        var status = JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!;
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        status.Str("reason").ShouldBe("Unauthorized");

        http.DefaultRequestHeaders.Authorization = new("Bearer", "s3cret");
        using var authorized = await http.GetAsync("/api/v1/pods");
        authorized.StatusCode.ShouldBe(HttpStatusCode.OK);
        cluster.Token.ShouldBe("s3cret");
    }
}
