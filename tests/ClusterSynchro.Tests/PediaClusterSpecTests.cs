using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;

namespace Clusterpedia.ClusterSynchro.Tests;

public sealed class PediaClusterSpecTests
{
    private static PediaClusterSpec Read(string spec) =>
        PediaClusterSpec.FromObject(JsonNode.Parse($$"""{"metadata":{"name":"c1"},"spec":{{spec}}}""")!.AsObject());

    [Fact]
    public void FromObject_Exclusions_AreRead()
    {
        var spec = Read("""{"apiserver":"https://a","excludeNamespaces":["b","a","b"],"excludeResources":[{"group":"","resources":["secrets"]},{"group":"apps","resources":["*"]}]}""");

        spec.ExcludeNamespaces.ShouldBe(["a", "b"]);
        spec.ExcludeResources.Count.ShouldBe(2);
        spec.ExcludeResources[0].Matches("", "secrets").ShouldBeTrue();
        spec.ExcludeResources[0].Matches("", "pods").ShouldBeFalse();
        spec.ExcludeResources[1].Matches("apps", "deployments").ShouldBeTrue();
    }

    [Fact]
    public void Fingerprints_SeparateConnectionFromResources()
    {
        var a = Read("""{"apiserver":"https://a","tokenData":"dA==","syncResources":[{"group":"","resources":["pods"]}]}""");
        var moreResources = Read("""{"apiserver":"https://a","tokenData":"dA==","syncResources":[{"group":"","resources":["pods","configmaps"]}]}""");
        var otherToken = Read("""{"apiserver":"https://a","tokenData":"dQ==","syncResources":[{"group":"","resources":["pods"]}]}""");
        var excluded = Read("""{"apiserver":"https://a","tokenData":"dA==","excludeNamespaces":["x"],"syncResources":[{"group":"","resources":["pods"]}]}""");

        moreResources.ConnectionFingerprint.ShouldBe(a.ConnectionFingerprint);
        moreResources.ResourcesFingerprint.ShouldNotBe(a.ResourcesFingerprint);
        excluded.ConnectionFingerprint.ShouldBe(a.ConnectionFingerprint);
        excluded.ResourcesFingerprint.ShouldNotBe(a.ResourcesFingerprint);
        otherToken.ConnectionFingerprint.ShouldNotBe(a.ConnectionFingerprint);
        otherToken.ResourcesFingerprint.ShouldBe(a.ResourcesFingerprint);
    }
}
