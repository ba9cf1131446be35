using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Discovery;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Kube.Tests.Discovery;

public sealed class DiscoveryClientTests
{
    [Fact]
    public async Task DiscoverAsync_Simulator_FindsBuiltInResourcesWithoutSubresources()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0 });
        using var client = new KubeClient(new KubeClientOptions { Server = cluster.Url });

        var discovery = await new DiscoveryClient(client).DiscoverAsync(CancellationToken.None);

        discovery.FailedGroupVersions.ShouldBeEmpty();
        var deployments = discovery.FindResource(new GroupVersionResource("apps", "v1", "deployments")).ShouldNotBeNull();
        deployments.Kind.ShouldBe("Deployment");
        deployments.Namespaced.ShouldBeTrue();
        deployments.IsListWatchable.ShouldBeTrue();
        deployments.Subresources.Select(s => s.Name).ShouldContain("status");
        var pods = discovery.FindResource(new GroupVersionResource("", "v1", "pods")).ShouldNotBeNull();
        pods.ShortNames.ShouldContain("po");
        discovery.AllResources.ShouldAllBe(r => !r.Name.Contains('/'));
        discovery.FindGroup("apps").ShouldNotBeNull().PreferredVersion.ShouldBe("v1");
    }
}
