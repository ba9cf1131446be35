using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests;

/// <summary>
/// dryRun=All (kubectl --dry-run=server) as kube-apiserver does it: every check of a real write runs and its errors come
/// back, but nothing is stored, no resourceVersion is used and watchers see nothing.
/// </summary>
public sealed class DryRunTests : IAsyncLifetime
{
    private static readonly GroupVersionResource _configMaps = new(string.Empty, "v1", "configmaps");
    private readonly TempDirectory _dir = new("kubesim-dryrun-");
    private SimulatedCluster _cluster = null!;

    public static TheoryData<string> Binaries => new() { Kubectl.Oldest, Kubectl.Newest };

    public async Task InitializeAsync() =>
        _cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 0, RunControllers = false });

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _dir.Delete();
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Apply_DryRunServerOnExistingObject_StoreUnchanged(string binary)
    {
        using var kubectl = new Kubectl(_cluster, binary);
        await kubectl.OkAsync("apply", "-f", Manifest("cm.yaml", "default", "settings", "1"));
        var before = _cluster.Store.CurrentResourceVersion;

        var output = await kubectl.OkAsync("apply", "--dry-run=server", "-f", Manifest("cm2.yaml", "default", "settings", "2"));

        output.ShouldContain("configmap/settings configured (server dry run)");
        _cluster.Store.Get(_configMaps, "default", "settings").Str("data.value").ShouldBe("1");
        _cluster.Store.CurrentResourceVersion.ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Replace_DryRunServer_StoreUnchangedAndAnswerHasCurrentResourceVersion(string binary)
    {
        using var kubectl = new Kubectl(_cluster, binary);
        var stored = _cluster.Store.Create(_configMaps, "default", """{"metadata":{"name":"replaced"},"data":{"value":"1"}}""");
        var before = _cluster.Store.CurrentResourceVersion;

        var output = await kubectl.OkAsync("replace", "--dry-run=server", "-o", "json", "-f", Manifest("r.yaml", "default", "replaced", "2"));

        var answer = JsonNode.Parse(output);
        answer.Str("data.value").ShouldBe("2");
        answer.Str("metadata.resourceVersion").ShouldBe(stored.Str("metadata.resourceVersion"));
        _cluster.Store.Get(_configMaps, "default", "replaced").Str("data.value").ShouldBe("1");
        _cluster.Store.CurrentResourceVersion.ShouldBe(before);
    }

    [Fact]
    public async Task Create_DryRunServer_NothingStoredNoResourceVersion()
    {
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);
        var before = _cluster.Store.CurrentResourceVersion;

        var output = await kubectl.OkAsync("create", "--dry-run=server", "-o", "json", "-f", Manifest("c.yaml", "default", "fresh", "1"));

        var answer = JsonNode.Parse(output)!;
        answer["metadata"]!["resourceVersion"].ShouldBeNull();
        answer.Str("metadata.uid").ShouldNotBeNullOrEmpty();
        _cluster.Store.Get(_configMaps, "default", "fresh").ShouldBeNull();
        _cluster.Store.CurrentResourceVersion.ShouldBe(before);
    }

    [Fact]
    public async Task Create_DryRunServerExistingName_AlreadyExists()
    {
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);
        _cluster.Store.Create(_configMaps, "default", """{"metadata":{"name":"taken"},"data":{"value":"1"}}""");

        var (code, _, error) = await kubectl.RunAsync("create", "--dry-run=server", "-f", Manifest("t.yaml", "default", "taken", "2"));

        code.ShouldNotBe(0);
        error.ShouldContain("configmaps \"taken\" already exists");
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Apply_DryRunServerIntoMissingNamespace_NamespaceNotFound(string binary)
    {
        using var kubectl = new Kubectl(_cluster, binary);

        var (code, _, error) = await kubectl.RunAsync("apply", "--dry-run=server", "-f", Manifest("m.yaml", "nowhere", "lost", "1"));

        code.ShouldNotBe(0);
        error.ShouldContain("namespaces \"nowhere\" not found");
    }

    [Fact]
    public async Task DeleteAll_DryRunServer_ObjectsKept()
    {
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);
        _cluster.Store.Create(_configMaps, "default", """{"metadata":{"name":"keep-1"}}""");
        _cluster.Store.Create(_configMaps, "default", """{"metadata":{"name":"keep-2"}}""");

        var output = await kubectl.OkAsync("delete", "configmaps", "--all", "-n", "default", "--dry-run=server");

        output.ShouldContain("configmap \"keep-1\" deleted (server dry run)");
        _cluster.Store.Get(_configMaps, "default", "keep-1").ShouldNotBeNull();
        _cluster.Store.Get(_configMaps, "default", "keep-2").ShouldNotBeNull();
    }

    private string Manifest(string file, string ns, string name, string value)
    {
        var path = _dir.File(file);
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {name}
              namespace: {ns}
            data:
              value: "{value}"
            """);
        return path;
    }
}
