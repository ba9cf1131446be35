using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests;

/// <summary>kubectl 1.33's typed clients send protobuf bodies; the simulator must read them like kube-apiserver.</summary>
public sealed class ProtobufTests
{
    [Fact]
    public async Task KubectlCreate_ProtobufBodies_StoredAsJson()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 0 });
        using var kubectl = new Kubectl(cluster, Kubectl.Newest);

        (await kubectl.RunAsync("create", "configmap", "settings", "-n", "default", "--from-literal=mode=fast", "--from-literal=level=3")).ExitCode.ShouldBe(0);
        (await kubectl.RunAsync("create", "secret", "generic", "creds", "-n", "default", "--from-literal=password=s3cret")).ExitCode.ShouldBe(0);
        (await kubectl.RunAsync("create", "service", "clusterip", "front", "-n", "default", "--tcp=80:8080")).ExitCode.ShouldBe(0);
        (await kubectl.RunAsync("create", "namespace", "team-a")).ExitCode.ShouldBe(0);
        var services = await kubectl.RunAsync("get", "service", "front", "-n", "default");

        var configMap = cluster.Store.Get(new GroupVersionResource(string.Empty, "v1", "configmaps"), "default", "settings")!;
        configMap.Str("data.mode").ShouldBe("fast");
        configMap.Str("data.level").ShouldBe("3");
        configMap["metadata"]!["creationTimestamp"].ShouldNotBeNull();
        var secret = cluster.Store.Get(new GroupVersionResource(string.Empty, "v1", "secrets"), "default", "creds")!;
        secret.Str("data.password").ShouldBe(Convert.ToBase64String("s3cret"u8.ToArray()));
        secret.Str("type").ShouldBe("Opaque");
        var service = cluster.Store.Get(new GroupVersionResource(string.Empty, "v1", "services"), "default", "front")!;
        service["spec"]!["ports"]![0]!["port"]!.GetValue<long>().ShouldBe(80);
        service["spec"]!["ports"]![0]!["targetPort"]!.GetValue<long>().ShouldBe(8080);
        service.Str("spec.clusterIP").ShouldStartWith("10.");
        services.Stdout.ShouldContain("ClusterIP");
        cluster.Store.Get(new GroupVersionResource(string.Empty, "v1", "namespaces"), null, "team-a").ShouldNotBeNull();
    }
}
