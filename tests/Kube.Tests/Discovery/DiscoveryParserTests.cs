using Clusterpedia.Kube.Discovery;

namespace Clusterpedia.Kube.Tests.Discovery;

public sealed class DiscoveryParserTests
{
    private static byte[] Fixture(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "discovery", name));

    [Fact]
    public void ParseApiVersions_CoreDocument_ListsV1()
    {
        DiscoveryParser.ReadKind(Fixture("api.json")).ShouldBe("APIVersions");
        DiscoveryParser.ParseApiVersions(Fixture("api.json")).ShouldBe(["v1"]);
    }

    [Fact]
    public void ParseApiGroupList_Apis_KeepsVersionOrderAndPreferred()
    {
        var groups = DiscoveryParser.ParseApiGroupList(Fixture("apis.json"));

        groups.Count.ShouldBe(22);
        var autoscaling = groups.Single(g => g.Name == "autoscaling");
        autoscaling.Versions.ShouldBe(["v2", "v1"]);
        autoscaling.PreferredVersion.ShouldBe("v2");
        groups.Single(g => g.Name == "flowcontrol.apiserver.k8s.io").Versions.ShouldBe(["v1", "v1beta3", "v1beta2", "v1beta1"]);
    }

    [Fact]
    public void ParseApiResourceList_CoreV1_FoldsSubresourcesIntoParents()
    {
        var gv = DiscoveryParser.ParseApiResourceList(Fixture("api__v1.json"), "", "v1");

        gv.GroupVersion.ShouldBe("v1");
        gv.Resources.Count.ShouldBe(17);
        gv.Resources.ShouldAllBe(r => !r.Name.Contains('/'));
        var pods = gv.Resources.Single(r => r.Name == "pods");
        pods.Kind.ShouldBe("Pod");
        pods.Namespaced.ShouldBeTrue();
        pods.ShortNames.ShouldBe(["po"]);
        pods.Categories.ShouldBe(["all"]);
        pods.IsListWatchable.ShouldBeTrue();
        pods.Subresources.Select(s => s.Name).ShouldBe(
            ["attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "status"], ignoreOrder: true);
        gv.Resources.Single(r => r.Name == "namespaces").Namespaced.ShouldBeFalse();
    }

    [Fact]
    public void ParseApiResourceList_AppsV1_ScaleSubresourceKeepsItsGroup()
    {
        var gv = DiscoveryParser.ParseApiResourceList(Fixture("apis__apps__v1.json"), "apps", "v1");

        gv.Resources.Select(r => r.Name).ShouldBe(["controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"]);
        var deployments = gv.Resources.Single(r => r.Name == "deployments");
        deployments.GroupVersionResource.ShouldBe(new GroupVersionResource("apps", "v1", "deployments"));
        deployments.ShortNames.ShouldBe(["deploy"]);
        deployments.SingularName.ShouldBe("deployment");
        var scale = deployments.Subresources.Single(s => s.Name == "scale");
        (scale.Kind, scale.ResponseGroup, scale.ResponseVersion).ShouldBe(("Scale", "autoscaling", "v1"));
        deployments.Subresources.Single(s => s.Name == "status").ResponseGroup.ShouldBe("apps");
    }

    [Fact]
    public void ParseAggregated_V2_GroupsVersionsResourcesAndSubresources()
    {
        var json = Fixture("aggregated_v2.json");
        DiscoveryParser.ReadKind(json).ShouldBe("APIGroupDiscoveryList");

        var groups = DiscoveryParser.ParseAggregated(json);

        groups.Count.ShouldBe(22);
        var apps = groups.Single(g => g.Name == "apps");
        apps.PreferredVersion.ShouldBe("v1");
        var deployments = apps.Versions.Single().Resources.Single(r => r.Name == "deployments");
        deployments.Kind.ShouldBe("Deployment");
        deployments.Namespaced.ShouldBeTrue();
        deployments.ShortNames.ShouldBe(["deploy"]);
        deployments.Categories.ShouldBe(["all"]);
        deployments.Verbs.ShouldContain("watch");
        var scale = deployments.Subresources.Single(s => s.Name == "scale");
        (scale.Kind, scale.ResponseGroup, scale.ResponseVersion).ShouldBe(("Scale", "autoscaling", "v1"));
        deployments.Subresources.Single(s => s.Name == "status").ResponseGroup.ShouldBe("apps");

        var autoscaling = groups.Single(g => g.Name == "autoscaling");
        autoscaling.Versions.Select(v => v.Version).ShouldBe(["v2", "v1"]);
        autoscaling.PreferredVersion.ShouldBe("v2");
        groups.Single(g => g.Name == "resource.k8s.io").PreferredVersion.ShouldBe("v1beta2");
    }

    [Fact]
    public void Legacy_And_Aggregated_AgreeOnAppsResources()
    {
        var legacy = DiscoveryParser.ParseApiResourceList(Fixture("apis__apps__v1.json"), "apps", "v1");
        var aggregated = DiscoveryParser.ParseAggregated(Fixture("aggregated_v2.json")).Single(g => g.Name == "apps").Versions.Single();

        aggregated.Resources.Select(r => (r.Name, r.Kind, r.Namespaced))
            .ShouldBe(legacy.Resources.Select(r => (r.Name, r.Kind, r.Namespaced)), ignoreOrder: true);
    }
}
