using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.Workloads;

/// <summary>
/// The workload search keys through real kubectl (1.27, 1.33 and the default), the server and a simulated member: the
/// member's controller makes a ReplicaSet and pods for a Deployment; pods owned by an OpenKruise CloneSet and Advanced
/// StatefulSet (the upstream CRDs applied to the member) are created with their owner references.
/// </summary>
public sealed class WorkloadSearchTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>, IDisposable
{
    private const string _workloadKind = "search.clusterpedia.io/workload-kind";
    private const string _workloadName = "search.clusterpedia.io/workload-name";
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _dir = new("clusterpedia-workloads-");

    public static TheoryData<string> Binaries() => [.. Kubectl.Binaries()];

    public void Dispose() => _dir.Delete();

    private static string Fixture(string name)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Clusterpedia.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        return Path.Combine(root, "tests", "KubeSim.Tests", "Fixtures", name);
    }

    private async Task ApplyToMemberAsync(string name, string yaml)
    {
        var file = _dir.File(name + ".yaml");
        await File.WriteAllTextAsync(file, yaml);
        await env.Kubectl().OkAsync("--context", "member-cluster-1", "apply", "-f", file);
    }

    /// <summary>Deployment hello in cluster-1/default (idempotent); returns its pods as the member lists them.</summary>
    private async Task<List<string>> HelloPodsAsync()
    {
        await ApplyToMemberAsync("hello", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: hello, namespace: default}
            spec:
              replicas: 3
              selector: {matchLabels: {app: hello}}
              template:
                metadata: {labels: {app: hello}}
                spec: {containers: [{name: main, image: nginx}]}
            """);
        List<string> pods = [];
        await Eventually.UntilAsync(
            async () =>
            {
                pods = Names(await env.Kubectl().OkAsync("--context", "member-cluster-1", "get", "pods", "-n", "default", "-l", "app=hello", "-o", "name"));
                return pods.Count == 3;
            },
            _timeout, "the member's controller did not make 3 pods for Deployment hello");
        return pods;
    }

    private static List<string> Names(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)];

    /// <summary>Waits until the search returns exactly <paramref name="expected"/> (as -o name lines).</summary>
    private static async Task ExpectSearchAsync(Kubectl kubectl, string selector, List<string> expected)
    {
        List<string> found = [];
        await Eventually.UntilAsync(
            async () =>
            {
                var (code, stdout, _) = await kubectl.RunAsync("--cluster", "clusterpedia", "get", "pods", "-A", "-l", selector, "-o", "name");
                found = code == 0 ? Names(stdout) : [];
                return found.SequenceEqual(expected);
            },
            _timeout, () => Task.FromResult($"-l {selector}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", found)}]"), TimeSpan.FromMilliseconds(300));
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetPods_WorkloadKeysOfDeployment_ExactlyItsPods(string binary)
    {
        var expected = await HelloPodsAsync();

        await ExpectSearchAsync(env.Kubectl(binary), $"{_workloadKind}=Deployment,{_workloadName}=hello", expected);
        await ExpectSearchAsync(env.Kubectl(binary), $"{_workloadKind} in (Deployment),{_workloadName} in (hello),app=hello", expected);
        await ExpectSearchAsync(env.Kubectl(binary), $"{_workloadKind}=StatefulSet,{_workloadName}=hello", []);
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task GetPodsWide_Deployment_PrintsWorkloadColumn(string binary)
    {
        var expected = await HelloPodsAsync();
        await ExpectSearchAsync(env.Kubectl(binary), $"{_workloadName}=hello", expected);

        var output = await env.Kubectl(binary).OkAsync("--cluster", "cluster-1", "get", "pods", "-n", "default", "-o", "wide", "-l", $"{_workloadName}=hello");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1].ShouldBe("WORKLOAD");
        lines.Skip(1).Count().ShouldBe(expected.Count);
        lines.Skip(1).ShouldAllBe(l => l.TrimEnd().EndsWith(" Deployment/hello", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPods_OwnedByKruiseCloneSetAndAdvancedStatefulSet_ResolveToThem()
    {
        var kubectl = env.Kubectl();
        await kubectl.OkAsync("--context", "member-cluster-1", "apply", "-f", Fixture("apps.kruise.io_clonesets.yaml"));
        await kubectl.OkAsync("--context", "member-cluster-1", "apply", "-f", Fixture("apps.kruise.io_statefulsets.yaml"));
        await kubectl.OkAsync("--context", "member-cluster-1", "apply", "-n", "default", "-f", Fixture("apps_v1alpha1_cloneset.yaml"));
        await kubectl.OkAsync("--context", "member-cluster-1", "apply", "-n", "default", "-f", Fixture("apps_v1alpha1_statefulset.yaml"));
        var cloneSet = await kubectl.OkAsync("--context", "member-cluster-1", "get", "clonesets.apps.kruise.io", "sample", "-n", "default", "-o", "jsonpath={.metadata.uid}");
        var statefulSet = await kubectl.OkAsync("--context", "member-cluster-1", "get", "statefulsets.apps.kruise.io", "sample", "-n", "default", "-o", "jsonpath={.metadata.uid}");
        var pods = new List<string>();
        foreach (var (pod, apiVersion, kind, uid) in new[]
        {
            ("sample-cs-a", "apps.kruise.io/v1alpha1", "CloneSet", cloneSet), ("sample-cs-b", "apps.kruise.io/v1alpha1", "CloneSet", cloneSet),
            ("sample-0", "apps.kruise.io/v1beta1", "StatefulSet", statefulSet),
        })
        {
            pods.Add($$"""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: {{pod}}
                  namespace: default
                  labels: {app: sample}
                  ownerReferences: [{apiVersion: {{apiVersion}}, kind: {{kind}}, name: sample, uid: "{{uid}}", controller: true, blockOwnerDeletion: true}]
                spec: {containers: [{name: main, image: "nginx:alpine"}]}
                """);
        }

        await ApplyToMemberAsync("kruise-pods", string.Join("\n---\n", pods));
        await kubectl.OkAsync("patch", "pediacluster", "cluster-1", "--type", "merge", "-p",
            """{"spec":{"syncResources":[{"group":"apps","resources":["deployments","replicasets"]},{"group":"","resources":["pods","namespaces"]},{"group":"apps.kruise.io","resources":["clonesets","statefulsets"]}]}}""");

        await ExpectSearchAsync(kubectl, $"{_workloadKind}=CloneSet,{_workloadName}=sample", ["pod/sample-cs-a", "pod/sample-cs-b"]);
        await ExpectSearchAsync(kubectl, $"{_workloadKind}=StatefulSet,{_workloadName}=sample", ["pod/sample-0"]);
        await ExpectSearchAsync(kubectl, $"{_workloadKind} notin (Deployment,Pod),{_workloadName}=sample", ["pod/sample-0", "pod/sample-cs-a", "pod/sample-cs-b"]);
    }

    [Fact]
    public async Task ListCollection_PodsOfDeployment_ItemsCarryTheirWorkload()
    {
        var expected = await HelloPodsAsync();
        await ExpectSearchAsync(env.Kubectl(), $"{_workloadName}=hello", expected);

        using var response = await env.Http.GetAsync(new Uri(env.Server,
            "/apis/clusterpedia.io/v1beta1/collectionresources/any?resources=/pods&workloadKind=Deployment&workloadName=hello"));
        var body = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(200, body);
        using var doc = JsonDocument.Parse(body);
        var items = doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata")).ToList();
        items.Select(m => "pod/" + m.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ShouldBe(expected);
        items.ShouldAllBe(m => m.GetProperty("annotations").GetProperty("search.clusterpedia.io/workload").GetString() == "Deployment/hello");
        items.ShouldAllBe(m => m.GetProperty("annotations").GetProperty("shadow.clusterpedia.io/cluster-name").GetString() == "cluster-1");
    }

    [Theory]
    [InlineData("?workloadKind=9lives", "workloadKind")]
    [InlineData("?workloadName=a%20b", "workloadName")]
    [InlineData("?labelSelector=search.clusterpedia.io/workload-kind%3D9lives", "search.clusterpedia.io/workload-kind")]
    [InlineData("?labelSelector=search.clusterpedia.io/workload-name", "search.clusterpedia.io/workload-name")]
    public async Task ListPods_BadWorkloadKey_400StatusNamingTheKey(string query, string key)
    {
        using var response = await env.Http.GetAsync(new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods" + query));
        var body = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(400, body);
        using var doc = JsonDocument.Parse(body);
        doc.RootElement.GetProperty("kind").GetString().ShouldBe("Status");
        doc.RootElement.GetProperty("message").GetString()!.ShouldContain(key);
    }
}
