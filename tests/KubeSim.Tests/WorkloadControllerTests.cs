using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests;

public sealed class WorkloadControllerTests
{
    private static readonly GroupVersionResource _deployments = new("apps", "v1", "deployments");
    private static readonly GroupVersionResource _replicaSets = new("apps", "v1", "replicasets");
    private static readonly GroupVersionResource _statefulSets = new("apps", "v1", "statefulsets");
    private static readonly GroupVersionResource _daemonSets = new("apps", "v1", "daemonsets");
    private static readonly GroupVersionResource _pods = new(string.Empty, "v1", "pods");

    private static Task<SimulatedCluster> StartAsync() =>
        SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 1, DeploymentsPerNamespace = 1 });

    private static List<JsonObject> PodsOf(SimulatedCluster cluster, string app) =>
        cluster.Store.List(_pods, "default").Where(p => p["metadata"]?["labels"]?["app"]?.GetValue<string>() == app).ToList();

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task Kubectl_CreateDeployment_ThreeRunningPodsAndReadyDeployment(string binary)
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster, binary);

        var created = await kubectl.RunAsync("create", "deployment", "web", "--image=nginx", "--replicas=3", "-n", "default");
        await Eventually.TrueAsync(() => PodsOf(cluster, "web").Count == 3 && cluster.Store.Get(_deployments, "default", "web")?["status"]?["readyReplicas"]?.GetValue<int>() == 3, "3 ready pods");
        var (exit, output, error) = await kubectl.RunAsync("get", "deploy", "web", "-n", "default");

        created.ShouldBe((0, "deployment.apps/web created\n", string.Empty));
        exit.ShouldBe(0, error);
        output.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4].ShouldBe(["web", "3/3", "3", "3"]);
        var pods = PodsOf(cluster, "web");
        var replicaSet = cluster.Store.List(_replicaSets, "default").Single(rs => rs.Str("metadata.name").StartsWith("web-", StringComparison.Ordinal));
        var hash = replicaSet.Str("metadata.labels.pod-template-hash");
        replicaSet.Str("metadata.name").ShouldBe("web-" + hash);
        replicaSet["metadata"]!["ownerReferences"]![0]!["controller"]!.GetValue<bool>().ShouldBeTrue();
        replicaSet["metadata"]!["ownerReferences"]![0].Str("uid").ShouldBe(cluster.Store.Get(_deployments, "default", "web").Str("metadata.uid"));
        foreach (var pod in pods)
        {
            pod.Str("status.phase").ShouldBe("Running");
            pod.Str("status.podIP").ShouldNotBeEmpty();
            pod.Str("spec.nodeName").ShouldNotBeEmpty();
            pod.Str("metadata.labels.pod-template-hash").ShouldBe(hash);
            pod["metadata"]!["ownerReferences"]![0].Str("uid").ShouldBe(replicaSet.Str("metadata.uid"));
            pod["status"]!["conditions"]!.AsArray().ShouldContain(c => c.Str("type") == "Ready" && c.Str("status") == "True");
        }

        var status = cluster.Store.Get(_deployments, "default", "web")!["status"]!;
        status["availableReplicas"]!.GetValue<int>().ShouldBe(3);
        status["updatedReplicas"]!.GetValue<int>().ShouldBe(3);
        status["observedGeneration"]!.GetValue<long>().ShouldBe(1);
        status["conditions"]!.AsArray().Select(c => c.Str("type")).ShouldBe(["Available", "Progressing"]);
    }

    [Fact]
    public async Task Scale_Deployment_PodCountFollowsAndKubectlScaleWorks()
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster, Kubectl.Newest);
        (await kubectl.RunAsync("create", "deployment", "api", "--image=nginx", "--replicas=2", "-n", "default")).ExitCode.ShouldBe(0);
        await Eventually.TrueAsync(() => PodsOf(cluster, "api").Count == 2, "2 pods");

        cluster.Store.Update(_deployments, "default", "api", d => { d["spec"]!["replicas"] = 5; return d; });
        await Eventually.TrueAsync(() => PodsOf(cluster, "api").Count == 5, "5 pods");
        (await kubectl.RunAsync("scale", "deployment", "api", "--replicas=1", "-n", "default")).Stdout.ShouldContain("scaled");
        await Eventually.TrueAsync(
            () => PodsOf(cluster, "api").Count == 1 && cluster.Store.Get(_deployments, "default", "api")?["status"]?["replicas"]?.GetValue<int>() == 1,
            "1 pod");
        (await kubectl.RunAsync("get", "deploy", "api", "-n", "default", "-o", "jsonpath={.status.readyReplicas}/{.spec.replicas}")).Stdout.ShouldBe("1/1");
    }

    [Fact]
    public async Task TemplateChange_NewReplicaSetTakesOverOldScaledToZero()
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster, Kubectl.Newest);
        (await kubectl.RunAsync("create", "deployment", "site", "--image=nginx:1.26", "--replicas=2", "-n", "default")).ExitCode.ShouldBe(0);
        await Eventually.TrueAsync(() => PodsOf(cluster, "site").Count == 2, "2 pods");

        (await kubectl.RunAsync("set", "image", "deployment/site", "nginx=nginx:1.27", "-n", "default")).ExitCode.ShouldBe(0);
        await Eventually.TrueAsync(
            () => PodsOf(cluster, "site") is { Count: 2 } pods && pods.All(p => p["spec"]!["containers"]![0].Str("image") == "nginx:1.27"),
            "2 new pods");
        var rollout = await kubectl.RunAsync("rollout", "status", "deployment/site", "-n", "default", "--timeout=10s");

        var sets = cluster.Store.List(_replicaSets, "default").Where(rs => rs.Str("metadata.name").StartsWith("site-", StringComparison.Ordinal)).ToList();
        sets.Count.ShouldBe(2);
        sets.Select(rs => rs["spec"]!["replicas"]!.GetValue<int>()).Order().ShouldBe([0, 2]);
        sets.Select(rs => rs["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>()).Order().ShouldBe(["1", "2"]);
        cluster.Store.Get(_deployments, "default", "site")!["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>().ShouldBe("2");
        rollout.Stdout.ShouldContain("successfully rolled out");
    }

    [Fact]
    public async Task StatefulSetAndDaemonSet_CreatePodsAndStatus()
    {
        await using var cluster = await StartAsync();
        var nodes = cluster.Store.Count(new(string.Empty, "v1", "nodes"));
        var template = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "APP" } },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "busybox" }) },
        };
        JsonObject Workload(string name, int? replicas)
        {
            var spec = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["template"] = JsonNode.Parse(template.ToJsonString().Replace("APP", name, StringComparison.Ordinal)),
            };
            if (replicas is int r)
            {
                spec["replicas"] = r;
                spec["serviceName"] = name;
            }

            return new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec };
        }

        cluster.Store.Create(_statefulSets, "default", Workload("db", 3));
        cluster.Store.Create(_daemonSets, "default", Workload("agent", null));
        await Eventually.TrueAsync(() => PodsOf(cluster, "db").Count == 3 && PodsOf(cluster, "agent").Count == nodes, "stateful and daemon pods");
        cluster.Store.Update(_statefulSets, "default", "db", s => { s["spec"]!["replicas"] = 1; return s; });
        await Eventually.TrueAsync(() => PodsOf(cluster, "db").Count == 1, "scaled down statefulset");

        PodsOf(cluster, "db").Single().Str("metadata.name").ShouldBe("db-0");
        PodsOf(cluster, "agent").Select(p => p.Str("spec.nodeName")).Distinct().Count().ShouldBe(nodes);
        await Eventually.TrueAsync(() => cluster.Store.Get(_statefulSets, "default", "db")?["status"]?["readyReplicas"]?.GetValue<int>() == 1, "statefulset status");
        cluster.Store.Get(_daemonSets, "default", "agent")!["status"]!["numberReady"]!.GetValue<int>().ShouldBe(nodes);
    }

    [Fact]
    public async Task DeletePod_ReplicaSetReplacesIt()
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster, Kubectl.Newest);
        (await kubectl.RunAsync("create", "deployment", "keep", "--image=nginx", "--replicas=2", "-n", "default")).ExitCode.ShouldBe(0);
        await Eventually.TrueAsync(() => PodsOf(cluster, "keep").Count == 2, "2 pods");
        var victim = PodsOf(cluster, "keep")[0].Str("metadata.name");

        (await kubectl.RunAsync("delete", "pod", victim, "-n", "default")).ExitCode.ShouldBe(0);
        await Eventually.TrueAsync(() => PodsOf(cluster, "keep") is { Count: 2 } pods && pods.All(p => p.Str("metadata.name") != victim), "replacement pod");
        (await kubectl.RunAsync("delete", "deployment", "keep", "-n", "default")).ExitCode.ShouldBe(0);

        PodsOf(cluster, "keep").ShouldBeEmpty();
        cluster.Store.List(_replicaSets, "default").ShouldNotContain(rs => rs.Str("metadata.name").StartsWith("keep-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task KubectlGetPodsWatch_NewDeployment_PodsAppearAsTheyAreCreated(string binary)
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster, binary);
        using var watch = kubectl.Start("get", "pods", "-w", "-n", "default");
        try
        {
            // default has no pods yet, so kubectl prints nothing until the first event: wait until it watches.
            await Eventually.TrueAsync(() => cluster.Store.ActiveWatchCount > 0, "kubectl to watch", TimeSpan.FromSeconds(15));

            cluster.Store.Create(_deployments, "default", """
                {"metadata":{"name":"live"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"live"}},
                 "template":{"metadata":{"labels":{"app":"live"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}
                """);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (seen.Count < 2)
            {
                var line = await watch.StandardOutput.ReadLineAsync(timeout.Token);
                line.ShouldNotBeNull();
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns[0].StartsWith("live-", StringComparison.Ordinal) && line.Contains("Running", StringComparison.Ordinal))
                {
                    seen.Add(columns[0]);
                }
            }

            seen.ShouldBe(PodsOf(cluster, "live").Select(p => p.Str("metadata.name")), ignoreOrder: true);
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task RunControllersOff_DeploymentGetsNoPods()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 0, RunControllers = false });

        cluster.Store.Create(_deployments, "default", """
            {"metadata":{"name":"still"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"still"}},
             "template":{"metadata":{"labels":{"app":"still"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}
            """);
        await Task.Delay(300);

        PodsOf(cluster, "still").ShouldBeEmpty();
        cluster.Store.Get(_deployments, "default", "still")!.AsObject().ContainsKey("status").ShouldBeFalse();
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task KubectlApply_Deployment_CreatedUnchangedConfiguredAndScaled(string binary)
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster, binary);
        var manifest = Path.Combine(Path.GetTempPath(), $"kubesim-deploy-{Guid.NewGuid():N}.yaml");
        static string Deployment(int replicas) => $"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: shop
              namespace: default
            spec:
              replicas: {replicas}
              selector:
                matchLabels: {"{"}app: shop{"}"}
              template:
                metadata:
                  labels: {"{"}app: shop{"}"}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.26
                    ports: [{"{"}containerPort: 80{"}"}]
            """;
        await File.WriteAllTextAsync(manifest, Deployment(2));
        try
        {
            (await kubectl.RunAsync("apply", "-f", manifest)).ShouldBe((0, "deployment.apps/shop created\n", string.Empty));
            await Eventually.TrueAsync(() => PodsOf(cluster, "shop").Count == 2, "2 pods");
            (await kubectl.RunAsync("apply", "-f", manifest)).ShouldBe((0, "deployment.apps/shop unchanged\n", string.Empty));
            await File.WriteAllTextAsync(manifest, Deployment(3));
            (await kubectl.RunAsync("apply", "-f", manifest)).ShouldBe((0, "deployment.apps/shop configured\n", string.Empty));
            await Eventually.TrueAsync(() => PodsOf(cluster, "shop").Count == 3, "3 pods");
            await Eventually.TrueAsync(() => cluster.Store.Get(_deployments, "default", "shop")?["status"]?["readyReplicas"]?.GetValue<int>() == 3, "3 ready");

            var (exit, output, error) = await kubectl.RunAsync("get", "deploy", "shop", "-n", "default", "-o", "yaml");

            exit.ShouldBe(0, error);
            output.ShouldContain("readyReplicas: 3");
            output.ShouldContain("containerPort: 80");
        }
        finally
        {
            File.Delete(manifest);
        }
    }
}
