using System.Net.Http.Headers;
using System.Text.Json;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>The foundation slice seen through real kubectl: the commands of the local demo.</summary>
public sealed class KubectlSearchTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    public static TheoryData<string> Binaries() => [.. Kubectl.Binaries()];

    private async Task<List<(string Namespace, string Name)>> MemberDeploymentsAsync(SimulatedCluster sim)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sim.Url, "/apis/apps/v1/deployments"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sim.Token);
        using var response = await env.MemberHttp(sim).SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("metadata").GetProperty("namespace").GetString()!, i.GetProperty("metadata").GetProperty("name").GetString()!))];
    }

    private static List<string[]> Rows(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    private static string[] Header(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetDeploymentsAllNamespaces_AcrossClusters_ListsEveryDeploymentWithClusterColumn(string binary)
    {
        var output = await env.Kubectl(binary).OkAsync("--cluster", "clusterpedia", "get", "deployments", "-A");

        Header(output).ShouldBe(["NAMESPACE", "CLUSTER", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
        var expected = (await MemberDeploymentsAsync(env.Cluster1)).Select(d => ("cluster-1", d.Namespace, d.Name))
            .Concat((await MemberDeploymentsAsync(env.Cluster2)).Select(d => ("cluster-2", d.Namespace, d.Name)))
            .Order().ToList();
        expected.Count.ShouldBeGreaterThan(2);
        var actual = Rows(output).Select(r => (r[1], r[0], r[2])).Order().ToList();
        actual.ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetDeployments_OneCluster_ListsOnlyThatCluster(string binary)
    {
        var output = await env.Kubectl(binary).OkAsync("--cluster", "cluster-1", "get", "deployments", "-A");

        var expected = (await MemberDeploymentsAsync(env.Cluster1)).Select(d => (d.Namespace, d.Name)).Order().ToList();
        var rows = Rows(output);
        rows.ShouldAllBe(r => r[1] == "cluster-1");
        rows.Select(r => (r[0], r[2])).Order().ToList().ShouldBe(expected);
    }

    [Fact]
    public async Task GetDeployments_ReadyColumn_MatchesMemberStatus()
    {
        var output = await env.Kubectl().OkAsync("--cluster", "cluster-2", "get", "deployments", "-A");

        Header(output).ShouldBe(["NAMESPACE", "CLUSTER", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
        var member = (await MemberItemsAsync(env.Cluster2, "/apis/apps/v1/deployments")).ToDictionary(
            d => (d.GetProperty("metadata").GetProperty("namespace").GetString()!, d.GetProperty("metadata").GetProperty("name").GetString()!),
            d =>
            {
                var status = d.GetProperty("status");
                long Field(string name) => status.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
                return new[] { $"{Field("readyReplicas")}/{d.GetProperty("spec").GetProperty("replicas").GetInt64()}", $"{Field("updatedReplicas")}", $"{Field("availableReplicas")}" };
            });
        var rows = Rows(output);
        rows.Select(r => (r[0], r[2])).Order().ShouldBe(member.Keys.Order());
        foreach (var row in rows)
        {
            row[1].ShouldBe("cluster-2");
            row[3..6].ShouldBe(member[(row[0], row[2])], $"{row[0]}/{row[2]}: READY, UP-TO-DATE, AVAILABLE against the member's status");
        }
    }

    private async Task<List<JsonElement>> MemberItemsAsync(SimulatedCluster sim, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sim.Url, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sim.Token);
        using var response = await env.MemberHttp(sim).SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.Clone())];
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetPediaClusters_ListsBothClustersReady(string binary)
    {
        var output = await env.Kubectl(binary).OkAsync("get", "pediaclusters");

        Header(output).ShouldBe(["NAME", "READY", "VERSION", "APISERVER"]);
        var rows = Rows(output);
        rows.Select(r => r[0]).ShouldBe(["cluster-1", "cluster-2"]);
        rows.ShouldAllBe(r => r[1] == "True");
    }

    [Fact]
    public async Task GetOneDeployment_WithoutCluster_Is400Status()
    {
        var (code, _, stderr) = await env.Kubectl().RunAsync("--cluster", "clusterpedia", "get", "deployments", "-n", "kube-system", "coredns");

        code.ShouldNotBe(0);
        stderr.ShouldContain("needs a cluster");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task ApiResources_Search_ListsSyncedResources(string binary)
    {
        var output = await env.Kubectl(binary).OkAsync("--cluster", "clusterpedia", "api-resources", "--no-headers");

        var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList();
        names.ShouldContain("deployments");
        names.ShouldContain("pods");
        names.ShouldContain("replicasets");
        names.ShouldContain("namespaces");
    }

    [Fact]
    public async Task GetPods_JsonOutput_CarriesClusterAnnotationAndNoManagedFields()
    {
        var output = await env.Kubectl().OkAsync("--cluster", "clusterpedia", "get", "pods", "-A", "-o", "json");

        using var doc = JsonDocument.Parse(output);
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBeGreaterThan(0);
        foreach (var item in items)
        {
            var metadata = item.GetProperty("metadata");
            metadata.GetProperty("annotations").GetProperty("shadow.clusterpedia.io/cluster-name").GetString().ShouldBeOneOf("cluster-1", "cluster-2");
            metadata.TryGetProperty("managedFields", out _).ShouldBeFalse();
            item.GetProperty("kind").GetString().ShouldBe("Pod");
        }
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetDeployments_NamespacesLabelSearch_ListsOnlyThoseNamespaces(string binary)
    {
        var output = await env.Kubectl(binary).OkAsync("--cluster", "clusterpedia", "get", "deployments", "-A", "-l", "search.clusterpedia.io/namespaces in (kube-system,default)");

        var rows = Rows(output);
        rows.ShouldNotBeEmpty();
        rows.ShouldAllBe(r => r[0] == "kube-system" || r[0] == "default");
        rows.Select(r => r[1]).Distinct().Order().ShouldBe(["cluster-1", "cluster-2"]);
    }

    [Fact]
    public async Task GetDeployments_ClustersNamespacesAndOrderByLabelSearch_FiltersAndSorts()
    {
        var output = await env.Kubectl().OkAsync("--cluster", "clusterpedia", "get", "deployments", "-A", "-l",
            "search.clusterpedia.io/clusters in (cluster-2),search.clusterpedia.io/namespaces notin (kube-system),search.clusterpedia.io/orderby=name_desc");

        var rows = Rows(output);
        rows.ShouldNotBeEmpty();
        rows.ShouldAllBe(r => r[1] == "cluster-2" && r[0] != "kube-system");
        var names = rows.Select(r => r[2]).ToList();
        names.ShouldBe([.. names.OrderDescending(StringComparer.Ordinal)]);
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetPods_ChunkSize7_ReturnsEveryPodOnce(string binary)
    {
        var all = Rows(await env.Kubectl(binary).OkAsync("--cluster", "clusterpedia", "get", "pods", "-A"));
        var chunked = Rows(await env.Kubectl(binary).OkAsync("--cluster", "clusterpedia", "get", "pods", "-A", "--chunk-size", "7"));

        all.Count.ShouldBeGreaterThan(7);
        chunked.Select(r => (r[0], r[1], r[2])).ShouldBe(all.Select(r => (r[0], r[1], r[2])));
        chunked.Select(r => (r[0], r[1], r[2])).Distinct().Count().ShouldBe(chunked.Count);
    }

    [Fact]
    public async Task UrlQuerySearch_PlainHttp_FiltersByClusterAndNamespace()
    {
        using var response = await env.Http.GetAsync(new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments?clusters=cluster-1&namespaces=kube-system&orderby=name%20desc"));
        var body = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(200, body);
        using var doc = JsonDocument.Parse(body);
        doc.RootElement.GetProperty("kind").GetString().ShouldBe("DeploymentList");
        var items = doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata")).ToList();
        items.ShouldNotBeEmpty();
        items.ShouldAllBe(m => m.GetProperty("namespace").GetString() == "kube-system");
        items.ShouldAllBe(m => m.GetProperty("annotations").GetProperty("shadow.clusterpedia.io/cluster-name").GetString() == "cluster-1");
        var names = items.Select(m => m.GetProperty("name").GetString()!).ToList();
        names.ShouldBe([.. names.OrderDescending(StringComparer.Ordinal)]);
    }

    [Theory]
    [InlineData("?orderby=name;drop%20table%20resources", "orderby")]
    [InlineData("?limit=abc", "limit")]
    [InlineData("?continue=not-a-token", "continue")]
    [InlineData("?labelSelector=a%20in%20(", "labelSelector")]
    [InlineData("?since=yesterday", "since")]
    public async Task BadSearchInput_Is400StatusNamingTheKey(string query, string key)
    {
        using var response = await env.Http.GetAsync(new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods" + query));
        var body = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(400, body);
        using var doc = JsonDocument.Parse(body);
        doc.RootElement.GetProperty("kind").GetString().ShouldBe("Status");
        doc.RootElement.GetProperty("code").GetInt32().ShouldBe(400);
        doc.RootElement.GetProperty("message").GetString()!.ShouldContain(key);
    }

    [Theory]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/clusters/nope/apis/apps/v1/deployments", 400)]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/statefulsets", 404)]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/clusters/cluster-1/apis/apps/v1/namespaces/kube-system/deployments/nope", 404)]
    [InlineData("/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/nope", 404)]
    [InlineData("/no/such/path", 404)]
    public async Task UnknownThings_AreStatusErrors(string path, int code)
    {
        using var response = await env.Http.GetAsync(new Uri(env.Server, path));
        var body = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(code, body);
        using var doc = JsonDocument.Parse(body);
        doc.RootElement.GetProperty("kind").GetString().ShouldBe("Status");
    }

    [Fact]
    public async Task Metrics_PrometheusText_CountsRequests()
    {
        await env.Kubectl().OkAsync("--cluster", "clusterpedia", "get", "pods", "-A");

        using var response = await env.Http.GetAsync(new Uri(env.Server, "/metrics"));
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(200);
        text.ShouldContain("# TYPE clusterpedia_apiserver_requests_total counter");
        text.ShouldMatch(@"clusterpedia_apiserver_requests_total\{otel_scope_name=""Clusterpedia.ApiServer"",code=""200"",verb=""GET""\} \d+");
        text.ShouldMatch(@"clusterpedia_apiserver_request_duration_seconds_bucket\{[^}]*verb=""GET"",le=""0.005""\} \d+");
        text.ShouldMatch(@"clusterpedia_clusters\{[^}]*\} 2\n");

        // Synchro writes are recorded in seconds: all of them fit under the 10 s bucket (in milliseconds, every write
        // slower than 10 ms used to land in +Inf only).
        var count = SeriesSum(text, "clusterpedia_synchro_write_duration_seconds_count");
        count.ShouldBeGreaterThan(0);
        SeriesSum(text, "clusterpedia_synchro_write_duration_seconds_bucket", "le=\"10\"").ShouldBe(count);
    }

    private static double SeriesSum(string text, string name, string? labelPart = null) =>
        text.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && (labelPart is null || l.Contains(labelPart, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task OnlyMetadata_ReturnsPartialObjectMetadataList()
    {
        using var response = await env.Http.GetAsync(new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?onlyMetadata=true&limit=3"));
        var body = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(200, body);
        using var doc = JsonDocument.Parse(body);
        doc.RootElement.GetProperty("kind").GetString().ShouldBe("PartialObjectMetadataList");
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(3);
        foreach (var item in items)
        {
            item.TryGetProperty("spec", out _).ShouldBeFalse();
            item.GetProperty("metadata").GetProperty("name").GetString().ShouldNotBeNullOrEmpty();
        }
    }

    [Fact]
    public async Task GenClusterconfigs_AddsSearchClustersToCurrentKubeconfig()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Clusterpedia.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        var kubeconfig = Path.Combine(Path.GetDirectoryName(env.Kubeconfig)!, "gen-clusterconfigs.kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: host
              cluster: {server: "{{env.Server.ToString().TrimEnd('/')}}"}
            users:
            - name: admin
              user: {}
            contexts:
            - name: host
              context: {cluster: host, user: admin}
            current-context: host
            """);
        var psi = new System.Diagnostics.ProcessStartInfo("bash", [Path.Combine(root, "hack", "gen-clusterconfigs.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["KUBECONFIG"] = kubeconfig;
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.ShouldBe(0, stderr);
        stdout.ShouldContain("Cluster \"clusterpedia\" set.");
        stdout.ShouldContain("Cluster \"cluster-1\" set.");
        stdout.ShouldContain("Cluster \"cluster-2\" set.");
        var output = await new Kubectl("kubectl", kubeconfig).OkAsync("--cluster", "cluster-2", "get", "deployments", "-A");
        Rows(output).ShouldNotBeEmpty();
        Rows(output).ShouldAllBe(r => r[1] == "cluster-2");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetCollectionResources_ListsBuiltInCollections(string binary)
    {
        var output = await env.Kubectl(binary).OkAsync("get", "collectionresources");

        Header(output).ShouldBe(["NAME", "RESOURCES"]);
        Rows(output).Select(r => r[0]).ShouldBe(["any", "kuberesources", "workloads"]);
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetCollectionResourcesWorkloads_ListsDeploymentsOfBothClusters(string binary)
    {
        var output = await env.Kubectl(binary).OkAsync("get", "collectionresources", "workloads");

        Header(output).ShouldBe(["CLUSTER", "GROUP", "VERSION", "KIND", "NAMESPACE", "NAME", "AGE"]);
        var rows = Rows(output);
        var expected = (await MemberDeploymentsAsync(env.Cluster1)).Count + (await MemberDeploymentsAsync(env.Cluster2)).Count;
        rows.Count.ShouldBe(expected);
        rows.ShouldAllBe(r => r[1] == "apps" && r[2] == "v1" && r[3] == "Deployment");
        rows.Select(r => r[0]).Distinct().Order().ShouldBe(["cluster-1", "cluster-2"]);
    }

    [Fact]
    public async Task CollectionWorkloads_Json_PagesWithContinue()
    {
        var seen = new List<string>();
        string? next = null;
        do
        {
            var uri = "/apis/clusterpedia.io/v1beta1/collectionresources/workloads?limit=5" + (next is null ? "" : "&continue=" + Uri.EscapeDataString(next));
            using var doc = JsonDocument.Parse(await env.Http.GetStringAsync(new Uri(env.Server, uri)));
            doc.RootElement.GetProperty("kind").GetString().ShouldBe("CollectionResource");
            foreach (var item in doc.RootElement.GetProperty("items").EnumerateArray())
            {
                item.GetProperty("kind").GetString().ShouldBe("Deployment");
                seen.Add(item.GetProperty("metadata").GetProperty("uid").GetString()!);
            }

            next = doc.RootElement.GetProperty("metadata").TryGetProperty("continue", out var c) ? c.GetString() : null;
        }
        while (!string.IsNullOrEmpty(next));

        seen.Count.ShouldBe((await MemberDeploymentsAsync(env.Cluster1)).Count + (await MemberDeploymentsAsync(env.Cluster2)).Count);
        seen.Distinct().Count().ShouldBe(seen.Count);
    }

    [Fact]
    public async Task CollectionAny_WithoutTypes_Is400()
    {
        using var response = await env.Http.GetAsync(new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/collectionresources/any"));

        ((int)response.StatusCode).ShouldBe(400);
        (await response.Content.ReadAsStringAsync()).ShouldContain("groups");
    }

    [Theory]
    [InlineData("pods", "kube-system")]
    [InlineData("deployments", "kube-system")]
    [InlineData("replicasets", "kube-system")]
    [InlineData("pods", "shop")]
    public async Task SearchTable_EqualsMemberTable_PlusClusterColumnAndPodWorkload(string resource, string ns)
    {
        var member = await env.Kubectl().OkAsync("--context", "member-cluster-1", "get", resource, "-n", ns, "-o", "wide");
        var search = await env.Kubectl().OkAsync("--cluster", "cluster-1", "get", resource, "-n", ns, "-o", "wide");

        var memberLines = member.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Normalize).ToList();
        var searchLines = search.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries))
            .Select(parts => Normalize(parts[1]))
            .ToList();
        if (resource == "pods")
        {
            // Pods add their WORKLOAD (docs/search.md) after the member's columns.
            searchLines[0].Split(' ')[^1].ShouldBe("WORKLOAD");
            searchLines = [.. searchLines.Select(l => l[..l.LastIndexOf(' ')])];
        }

        memberLines.Count.ShouldBeGreaterThan(1);
        searchLines.ShouldBe(memberLines);

        // Columns are padded to their widths; compare cells, not spacing.
        static string Normalize(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v2beta1")]
    public async Task AggregatedDiscovery_Apis_ListsSyncedGroupsInOneDocument(string version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/resources/apis"));
        request.Headers.TryAddWithoutValidation("Accept", $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList,application/json");
        using var response = await env.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        response.Content.Headers.ContentType!.ToString().ShouldContain($"v={version}");
        using var doc = JsonDocument.Parse(body);
        doc.RootElement.GetProperty("kind").GetString().ShouldBe("APIGroupDiscoveryList");
        var apps = doc.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("metadata").GetProperty("name").GetString() == "apps");
        var resources = apps.GetProperty("versions")[0].GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("resource").GetString()).ToList();
        resources.ShouldContain("deployments");
        resources.ShouldContain("replicasets");
    }

    /// <summary>The search commands of the Clusterpedia introduction (seed 004), verbatim.</summary>
    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task SeedCommands_RunAsWritten(string binary)
    {
        var kubectl = env.Kubectl(binary);

        var kubeSystem = Rows(await kubectl.OkAsync("--cluster", "clusterpedia", "get", "deployments", "-n", "kube-system"));
        kubeSystem.Select(r => r[0]).Distinct().Order().ShouldBe(["cluster-1", "cluster-2"]);
        kubeSystem.ShouldContain(r => r[1] == "coredns");

        var twoNamespaces = Rows(await kubectl.OkAsync("--cluster", "clusterpedia", "get", "deployments", "-A", "-l", "search.clusterpedia.io/namespaces in (kube-system, default)"));
        twoNamespaces.ShouldNotBeEmpty();
        twoNamespaces.ShouldAllBe(r => r[0] == "kube-system" || r[0] == "default");

        var ordered = Rows(await kubectl.OkAsync("--cluster", "clusterpedia", "get", "deployments", "-A", "-l",
            "search.clusterpedia.io/clusters in (cluster-1, cluster-2),search.clusterpedia.io/namespaces in (kube-system,default),search.clusterpedia.io/orderby=name"));
        ordered.Select(r => r[2]).ShouldBe([.. ordered.Select(r => r[2]).Order(StringComparer.Ordinal)]);

        var one = Rows(await kubectl.OkAsync("--cluster", "cluster-1", "-n", "kube-system", "get", "deployments", "coredns"));
        one.ShouldHaveSingleItem()[1].ShouldBe("coredns");
    }

    [Fact]
    public async Task UrlQuerySearch_WithCurl_ReturnsFilteredList()
    {
        var url = new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments?clusters=cluster-2&namespaces=kube-system,default&orderby=name").ToString();
        var psi = new System.Diagnostics.ProcessStartInfo("curl", ["-sS", "--fail-with-body", url]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var curl = System.Diagnostics.Process.Start(psi)!;
        var body = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();

        curl.ExitCode.ShouldBe(0, await curl.StandardError.ReadToEndAsync());
        using var doc = JsonDocument.Parse(body);
        var items = doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata")).ToList();
        items.ShouldNotBeEmpty();
        items.ShouldAllBe(m => m.GetProperty("annotations").GetProperty("shadow.clusterpedia.io/cluster-name").GetString() == "cluster-2");
        var names = items.Select(m => m.GetProperty("name").GetString()!).ToList();
        names.ShouldBe([.. names.Order(StringComparer.Ordinal)]);
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetDeployment_YamlAndJsonpath_FromOneCluster(string binary)
    {
        var kubectl = env.Kubectl(binary);

        var yaml = await kubectl.OkAsync("--cluster", "cluster-1", "get", "deployment", "-n", "kube-system", "coredns", "-o", "yaml");
        yaml.ShouldContain("kind: Deployment");
        yaml.ShouldContain("shadow.clusterpedia.io/cluster-name: cluster-1");

        var images = await kubectl.OkAsync("--cluster", "clusterpedia", "get", "deployments", "-A", "-o", "jsonpath={range .items[*]}{.metadata.annotations.shadow\\.clusterpedia\\.io/cluster-name}/{.metadata.name}{\"\\n\"}{end}");
        var lines = images.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain("cluster-1/coredns");
        lines.ShouldContain("cluster-2/coredns");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetPodsWide_AddsPriorityOneColumns(string binary)
    {
        var output = await env.Kubectl(binary).OkAsync("--cluster", "clusterpedia", "get", "pods", "-A", "-o", "wide");

        Header(output).ShouldBe(["NAMESPACE", "CLUSTER", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES", "WORKLOAD"]);

        // IP and NODE of every row against the member's own pod (RESTARTS may hold "(5m ago)", so count from the end).
        var expected = new Dictionary<(string, string, string), (string Ip, string Node)>();
        foreach (var (cluster, sim) in new[] { ("cluster-1", env.Cluster1), ("cluster-2", env.Cluster2) })
        {
            foreach (var pod in await MemberItemsAsync(sim, "/api/v1/pods"))
            {
                var metadata = pod.GetProperty("metadata");
                var ip = pod.TryGetProperty("status", out var status) && status.TryGetProperty("podIP", out var podIp) && podIp.GetString() is { Length: > 0 } i ? i : "<none>";
                var node = pod.GetProperty("spec").TryGetProperty("nodeName", out var n) && n.GetString() is { Length: > 0 } nn ? nn : "<none>";
                expected[(cluster, metadata.GetProperty("namespace").GetString()!, metadata.GetProperty("name").GetString()!)] = (ip, node);
            }
        }

        var rows = Rows(output);
        rows.Select(r => (r[1], r[0], r[2])).Order().ShouldBe(expected.Keys.Order());
        expected.Values.ShouldContain(v => v.Ip != "<none>" && v.Node != "<none>", "the members' pods need IPs and nodes for this check to mean something");
        foreach (var row in rows)
        {
            (row[^5], row[^4]).ShouldBe(expected[(row[1], row[0], row[2])], $"{row[1]}/{row[0]}/{row[2]}: IP and NODE");
            row[^1].ShouldMatch("^(<none>|[A-Za-z]+/.+)$", $"{row[1]}/{row[0]}/{row[2]}: WORKLOAD");
        }
    }
}
