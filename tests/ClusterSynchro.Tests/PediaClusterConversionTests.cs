using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;

namespace Clusterpedia.ClusterSynchro.Tests;

public sealed class PediaClusterConversionTests
{
    private const string _legacy = """
        {"apiVersion":"clusters.clusterpedia.io/v1alpha1","kind":"PediaCluster","metadata":{"name":"cluster-example"},
         "spec":{"apiserverURL":"https://10.0.0.1:6443","caData":"","tokenData":"dG9r","certData":"","keyData":"",
                 "resources":[{"group":"apps","resources":["deployments"]},{"group":"","resources":["pods"]}]}}
        """;

    [Fact]
    public void ToV1Alpha2_SeedForm_MapsFields()
    {
        var converted = PediaClusterConversion.ToV1Alpha2(JsonNode.Parse(_legacy)!.AsObject());

        converted["apiVersion"]!.GetValue<string>().ShouldBe("cluster.clusterpedia.io/v1alpha2");
        converted["spec"]!["apiserver"]!.GetValue<string>().ShouldBe("https://10.0.0.1:6443");
        converted["spec"]!["syncResources"]!.AsArray().Count.ShouldBe(2);
        converted["spec"]!.AsObject().ContainsKey("apiserverURL").ShouldBeFalse();

        var spec = PediaClusterSpec.FromObject(converted);
        spec.ApiServer.ShouldBe("https://10.0.0.1:6443");
        spec.TokenData.ShouldBe("dG9r");
        spec.SyncResources.Select(r => (r.Group, string.Join(',', r.Resources))).ShouldBe([("apps", "deployments"), ("", "pods")]);
    }

    [Fact]
    public void RoundTrip_V1Alpha1_IsLossless()
    {
        var original = JsonNode.Parse(_legacy)!.AsObject();

        var back = PediaClusterConversion.ToV1Alpha1(PediaClusterConversion.ToV1Alpha2(original));

        JsonNode.DeepEquals(back, original).ShouldBeTrue(back.ToJsonString());
    }

    [Fact]
    public void Fingerprint_ChangesWithSpec()
    {
        var a = PediaClusterSpec.FromObject(PediaClusterConversion.ToV1Alpha2(JsonNode.Parse(_legacy)!.AsObject()));
        var b = a with { TokenData = "b3RoZXI=" };

        a.Fingerprint.ShouldNotBe(b.Fingerprint);
        a.Fingerprint.ShouldBe(PediaClusterSpec.FromObject(PediaClusterConversion.ToV1Alpha2(JsonNode.Parse(_legacy)!.AsObject())).Fingerprint);
    }
}
