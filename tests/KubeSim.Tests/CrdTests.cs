using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests;

public sealed class CrdTests
{
    private static readonly GroupVersionResource _crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    private static readonly GroupVersionResource _widgets = new("example.com", "v1", "widgets");

    // A small CRD written for these tests: cluster-scoped, with shortNames, categories, printer columns and a schema.
    private const string _widgetCrd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"widgets.example.com"},
         "spec":{"group":"example.com","scope":"Cluster",
           "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList","shortNames":["wd"],"categories":["all","toys"]},
           "versions":[
             {"name":"v1alpha1","served":true,"storage":false,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
             {"name":"v1","served":true,"storage":true,
              "subresources":{"status":{}},
              "additionalPrinterColumns":[{"name":"Color","type":"string","jsonPath":".spec.color"},{"name":"Size","type":"integer","jsonPath":".spec.size"}],
              "schema":{"openAPIV3Schema":{"type":"object","properties":{
                "spec":{"type":"object","properties":{"color":{"type":"string"},"size":{"type":"integer"},
                        "labels":{"type":"object","additionalProperties":{"type":"string"}},
                        "parts":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}},
                        "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
                "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}}]}}
        """;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static Task<SimulatedCluster> StartAsync() =>
        SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 1, DeploymentsPerNamespace = 1 });

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task Kubectl_ApplyCloneSetCrdThenSample_GetShowsPrinterColumns(string binary)
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster, binary);
        var sample = Path.Combine(Path.GetTempPath(), $"kubesim-cloneset-{Guid.NewGuid():N}.yaml");
        var original = await File.ReadAllTextAsync(Fixture("apps_v1alpha1_cloneset.yaml"));
        await File.WriteAllTextAsync(sample, original);
        try
        {
            (await kubectl.RunAsync("apply", "-f", Fixture("apps.kruise.io_clonesets.yaml")))
                .ShouldBe((0, "customresourcedefinition.apiextensions.k8s.io/clonesets.apps.kruise.io created\n", string.Empty));
            (await kubectl.RunAsync("apply", "-n", "default", "-f", sample)).ShouldBe((0, "cloneset.apps.kruise.io/sample created\n", string.Empty));
            (await kubectl.RunAsync("apply", "-n", "default", "-f", sample)).ShouldBe((0, "cloneset.apps.kruise.io/sample unchanged\n", string.Empty));
            await File.WriteAllTextAsync(sample, original.Replace("replicas: 5", "replicas: 7", StringComparison.Ordinal));
            (await kubectl.RunAsync("apply", "-n", "default", "-f", sample)).ShouldBe((0, "cloneset.apps.kruise.io/sample configured\n", string.Empty));

            var (exit, output, error) = await kubectl.RunAsync("get", "clonesets", "-n", "default");

            exit.ShouldBe(0, error);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .ShouldBe(["NAME", "DESIRED", "UPDATED", "UPDATED_READY", "UPDATED_AVAILABLE", "READY", "TOTAL", "AGE"]);
            lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2].ShouldBe(["sample", "7"]);
            var (shortExit, shortOutput, _) = await kubectl.RunAsync("get", "clone", "sample", "-n", "default", "-o", "jsonpath={.apiVersion} {.spec.updateStrategy.type}");
            shortExit.ShouldBe(0);
            shortOutput.ShouldBe("apps.kruise.io/v1beta1 InPlaceIfPossible");
        }
        finally
        {
            File.Delete(sample);
        }
    }

    [Fact]
    public async Task Kubectl_KruiseAndAppsStatefulSets_StayApart()
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster, Kubectl.Newest);
        var appsBefore = cluster.Store.Count(new("apps", "v1", "statefulsets"));

        (await kubectl.RunAsync("apply", "-f", Fixture("apps.kruise.io_statefulsets.yaml"))).ExitCode.ShouldBe(0);
        (await kubectl.RunAsync("apply", "-n", "default", "-f", Fixture("apps_v1alpha1_statefulset.yaml"))).ShouldBe((0, "statefulset.apps.kruise.io/sample created\n", string.Empty));
        var kruise = await kubectl.RunAsync("get", "statefulsets.apps.kruise.io", "-n", "default");
        var apps = await kubectl.RunAsync("get", "statefulsets.apps", "-A");
        var bothResources = await kubectl.RunAsync("api-resources", "--api-group", "apps.kruise.io");

        kruise.Stdout.ShouldContain("sample");
        kruise.Stdout.Split('\n')[0].ShouldContain("DESIRED");
        apps.Stdout.ShouldNotContain("sample");
        bothResources.Stdout.ShouldContain("statefulsets");
        cluster.Store.Count(new("apps", "v1", "statefulsets")).ShouldBe(appsBefore);
        cluster.Store.Count(new("apps.kruise.io", "v1beta1", "statefulsets")).ShouldBe(1);
    }

    [Fact]
    public async Task Kubectl_ApplyRouteWithUnknownField_StrictDecodingError()
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster, Kubectl.Newest);

        (await kubectl.RunAsync("apply", "-f", Fixture("routes.crd.yaml"))).ExitCode.ShouldBe(0);
        var (exit, _, error) = await kubectl.RunAsync("apply", "-n", "default", "-f", Fixture("hello-openshift-route.yaml"));

        exit.ShouldNotBe(0);
        error.ShouldContain("Route in version \"v1\" cannot be handled as a Route: strict decoding error: unknown field \"spec.ports\"");
    }

    [Fact]
    public async Task Kubectl_OpenGaussShortName_ListsCluster()
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster, Kubectl.Oldest);

        (await kubectl.RunAsync("apply", "-f", Fixture("opengauss.sig_opengaussclusters.yaml"))).ExitCode.ShouldBe(0);
        (await kubectl.RunAsync("apply", "-n", "default", "-f", Fixture("opengauss_v1_opengausscluster.yaml"))).ExitCode.ShouldBe(0);
        var (exit, output, error) = await kubectl.RunAsync("get", "ogc", "-n", "default");

        exit.ShouldBe(0, error);
        output.Split('\n')[0].ShouldContain("READ PORT");
        output.ShouldContain("og-sample-a");
        output.ShouldContain("30020");
    }

    [Fact]
    public async Task Create_ClusterScopedCrd_ServedAndDiscoverable()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };

        var crd = cluster.Store.Create(_crds, null, _widgetCrd);
        var groups = await http.GetObjectAsync("/apis");
        var group = await http.GetObjectAsync("/apis/example.com");
        var v1 = await http.GetObjectAsync("/apis/example.com/v1");
        using var aggregatedRequest = new HttpRequestMessage(HttpMethod.Get, "/apis");
        aggregatedRequest.Headers.Accept.ParseAdd("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        using var aggregatedResponse = await http.SendAsync(aggregatedRequest);
        var aggregated = JsonNode.Parse(await aggregatedResponse.Content.ReadAsStringAsync())!;

        crd["status"]!["conditions"]!.AsArray().ShouldContain(c => c.Str("type") == "Established" && c.Str("status") == "True");
        groups["groups"]!.AsArray().ShouldContain(g => g.Str("name") == "example.com");
        group.Str("preferredVersion.version").ShouldBe("v1");
        group["versions"]!.AsArray().Select(v => v.Str("version")).ShouldBe(["v1", "v1alpha1"]);
        var widgets = v1["resources"]!.AsArray().Single(r => r.Str("name") == "widgets")!;
        widgets["namespaced"]!.GetValue<bool>().ShouldBeFalse();
        widgets["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["wd"]);
        widgets["categories"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["all", "toys"]);
        v1["resources"]!.AsArray().ShouldContain(r => r.Str("name") == "widgets/status");
        var item = aggregated["items"]!.AsArray().Single(i => i.Str("metadata.name") == "example.com")!;
        item["versions"]![0]!.Str("version").ShouldBe("v1");
        item["versions"]![0]!["resources"]![0]!.Str("scope").ShouldBe("Cluster");
    }

    [Fact]
    public async Task Delete_Crd_ObjectsDeletedWithEventsAndResourceGone()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Store.Create(_crds, null, _widgetCrd);
        using var created = await http.PostAsync("/apis/example.com/v1/widgets",
            Json("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"color":"red","size":3}}"""));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        await using var watch = await WatchStream.OpenAsync(http, "/apis/example.com/v1/widgets?watch=true&resourceVersion=" + cluster.Store.CurrentResourceVersion);

        cluster.Store.Delete(_crds, null, "widgets.example.com");

        var deleted = (await watch.NextAsync())!;
        deleted.Str("type").ShouldBe("DELETED");
        deleted.Str("object.metadata.name").ShouldBe("w1");
        deleted.Str("object.kind").ShouldBe("Widget");
        using var gone = await http.GetAsync("/apis/example.com/v1/widgets");
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetObjectAsync("/apis"))["groups"]!.AsArray().ShouldNotContain(g => g.Str("name") == "example.com");
        Should.Throw<SimulatorApiException>(() => cluster.Store.Count(_widgets)).Code.ShouldBe(404);
    }

    [Fact]
    public async Task Create_FieldValidationModes_StrictRejectsWarnWarnsDefaultPrunes()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Store.Create(_crds, null, _widgetCrd);
        static string Widget(string name) =>
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"NAME"},"spec":{"color":"red","foo":1,"labels":{"a":"b"},"parts":[{"name":"x","bar":2}],"extra":{"anything":true}}}"""
                .Replace("NAME", name, StringComparison.Ordinal);

        using var strict = await http.PostAsync("/apis/example.com/v1/widgets?fieldValidation=Strict", Json(Widget("strict")));
        using var warn = await http.PostAsync("/apis/example.com/v1/widgets?fieldValidation=Warn", Json(Widget("warn")));
        using var ignore = await http.PostAsync("/apis/example.com/v1/widgets", Json(Widget("ignore")));

        strict.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(await strict.Content.ReadAsStringAsync()).Str("message")
            .ShouldBe("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.foo\", unknown field \"spec.parts[0].bar\"");
        warn.StatusCode.ShouldBe(HttpStatusCode.Created);
        warn.Headers.GetValues("Warning").ShouldBe(["299 - \"unknown field \\\"spec.foo\\\"\"", "299 - \"unknown field \\\"spec.parts[0].bar\\\"\""]);
        ignore.StatusCode.ShouldBe(HttpStatusCode.Created);
        var stored = cluster.Store.Get(_widgets, null, "ignore")!;
        stored["spec"]!.AsObject().ContainsKey("foo").ShouldBeFalse();
        stored["spec"]!["parts"]![0]!.AsObject().ContainsKey("bar").ShouldBeFalse();
        stored["spec"]!["extra"]!["anything"]!.GetValue<bool>().ShouldBeTrue();
        stored.Str("spec.labels.a").ShouldBe("b");
    }

    [Fact]
    public async Task List_CustomResourceTable_UsesPrinterColumns()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Store.Create(_crds, null, _widgetCrd);
        cluster.Store.Create(_widgets, null, """{"metadata":{"name":"w1"},"spec":{"color":"blue","size":4}}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis/example.com/v1/widgets");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));

        using var response = await http.SendAsync(request);
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        table.Str("kind").ShouldBe("Table");
        table["columnDefinitions"]!.AsArray().Select(c => c.Str("name")).ShouldBe(["Name", "Color", "Size"]);
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        cells[0]!.GetValue<string>().ShouldBe("w1");
        cells[1]!.GetValue<string>().ShouldBe("blue");
        cells[2]!.GetValue<long>().ShouldBe(4);
        var list = await http.GetObjectAsync("/apis/example.com/v1alpha1/widgets");
        list.Str("kind").ShouldBe("WidgetList");
        list["items"]![0].Str("apiVersion").ShouldBe("example.com/v1alpha1");
    }

    [Fact]
    public async Task Create_CrdWithWrongName_Invalid422()
    {
        await using var cluster = await StartAsync();

        var error = Should.Throw<SimulatorApiException>(() =>
            cluster.Store.Create(_crds, null, _widgetCrd.Replace("\"name\":\"widgets.example.com\"", "\"name\":\"gadgets.example.com\"", StringComparison.Ordinal)));

        error.Code.ShouldBe(422);
        error.Message.ShouldContain("must be spec.names.plural+\".\"+spec.group");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
