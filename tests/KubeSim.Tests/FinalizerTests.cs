using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests;

/// <summary>Graceful deletion with finalizers, as kube-apiserver does it, over HTTP on a custom resource and a ConfigMap.</summary>
public sealed class FinalizerTests
{
    private static readonly GroupVersionResource _crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    private static readonly GroupVersionResource _configMaps = new("", "v1", "configmaps");

    private const string _gadgetCrd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"gadgets.example.com"},
         "spec":{"group":"example.com","scope":"Cluster",
           "names":{"plural":"gadgets","singular":"gadget","kind":"Gadget","listKind":"GadgetList"},
           "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
             "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
        """;

    private static Task<SimulatedCluster> StartAsync() =>
        SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 1, DeploymentsPerNamespace = 1 });

    private static StringContent JsonBody(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    [Fact]
    public async Task Delete_CustomResourceWithFinalizer_MarkedUntilLastFinalizerRemoved()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Store.Create(_crds, null, _gadgetCrd);
        const string path = "/apis/example.com/v1/gadgets";
        using (var created = await http.PostAsync(path, JsonBody(JsonNode.Parse("""
            {"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g1","finalizers":["example.com/a","example.com/b"]},"spec":{"size":1}}
            """)!)))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var rv = (await http.GetObjectAsync(path))["metadata"]!.Str("resourceVersion");
        await using var watch = await WatchStream.OpenAsync(http, $"{path}?watch=true&resourceVersion={rv}");

        using var deleted = await http.DeleteAsync(path + "/g1");
        var marked = JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!.AsObject();
        using var again = await http.DeleteAsync(path + "/g1");

        deleted.StatusCode.ShouldBe(HttpStatusCode.OK);
        marked["metadata"]!["deletionTimestamp"].ShouldNotBeNull();
        marked["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>().ShouldBe(0);
        marked["metadata"]!["generation"]!.GetValue<long>().ShouldBe(2);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await watch.NextAsync())!.Str("type").ShouldBe("MODIFIED");

        // No finalizer may be added while the object is being deleted.
        var current = await http.GetObjectAsync(path + "/g1");
        current["metadata"]!["finalizers"]!.AsArray().Add("example.com/c");
        using (var forbidden = await http.PutAsync(path + "/g1", JsonBody(current)))
        {
            forbidden.StatusCode.ShouldBe((HttpStatusCode)422);
            (await forbidden.Content.ReadAsStringAsync()).ShouldContain("no new finalizers can be added if the object is being deleted");
        }

        // Removing one finalizer keeps it; removing the last one deletes it.
        current = await http.GetObjectAsync(path + "/g1");
        current["metadata"]!["finalizers"] = new JsonArray("example.com/b");
        using (var one = await http.PutAsync(path + "/g1", JsonBody(current)))
        {
            one.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await watch.NextAsync())!.Str("type").ShouldBe("MODIFIED");
        current = await http.GetObjectAsync(path + "/g1");
        current["metadata"]!["finalizers"] = new JsonArray();
        using (var last = await http.PutAsync(path + "/g1", JsonBody(current)))
        {
            last.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var gone = (await watch.NextAsync())!;
        gone.Str("type").ShouldBe("DELETED");
        gone["object"]!["metadata"]!.Str("name").ShouldBe("g1");
        using var get = await http.GetAsync(path + "/g1");
        get.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_ConfigMapWithFinalizer_AnswersTheMarkedObject()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        const string path = "/api/v1/namespaces/default/configmaps";
        using (var created = await http.PostAsync(path, JsonBody(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]},"data":{"a":"b"}}
            """)!)))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        using var deleted = await http.DeleteAsync(path + "/held");
        var body = JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!;

        deleted.StatusCode.ShouldBe(HttpStatusCode.OK);
        body.Str("kind").ShouldBe("ConfigMap");
        body["metadata"]!["deletionTimestamp"].ShouldNotBeNull();
        cluster.Store.Get(_configMaps, "default", "held").ShouldNotBeNull();

        cluster.Store.Update(_configMaps, "default", "held", o =>
        {
            o["metadata"]!.AsObject().Remove("finalizers");
            return o;
        });
        cluster.Store.Get(_configMaps, "default", "held").ShouldBeNull();
    }
}
