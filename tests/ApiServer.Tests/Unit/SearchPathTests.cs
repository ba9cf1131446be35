using Clusterpedia.ApiServer.Search;

namespace Clusterpedia.ApiServer.Tests.Unit;

public sealed class SearchPathTests
{
    [Theory]
    [InlineData("version", null, SearchTarget.Version, "", "", null, "", null)]
    [InlineData("api", null, SearchTarget.ApiVersions, "", "", null, "", null)]
    [InlineData("apis", null, SearchTarget.ApiGroupList, "", "", null, "", null)]
    [InlineData("apis/apps", null, SearchTarget.ApiGroup, "apps", "", null, "", null)]
    [InlineData("api/v1", null, SearchTarget.ResourceList, "", "v1", null, "", null)]
    [InlineData("apis/apps/v1", null, SearchTarget.ResourceList, "apps", "v1", null, "", null)]
    [InlineData("api/v1/pods", null, SearchTarget.Collection, "", "v1", null, "pods", null)]
    [InlineData("api/v1/namespaces", null, SearchTarget.Collection, "", "v1", null, "namespaces", null)]
    [InlineData("api/v1/namespaces/default", null, SearchTarget.Object, "", "v1", null, "namespaces", "default")]
    [InlineData("api/v1/nodes/node-1", null, SearchTarget.Object, "", "v1", null, "nodes", "node-1")]
    [InlineData("api/v1/namespaces/kube-system/pods", null, SearchTarget.Collection, "", "v1", "kube-system", "pods", null)]
    [InlineData("apis/apps/v1/namespaces/kube-system/deployments/coredns", null, SearchTarget.Object, "apps", "v1", "kube-system", "deployments", "coredns")]
    [InlineData("clusters/cluster-1/apis/apps/v1/deployments", "cluster-1", SearchTarget.Collection, "apps", "v1", null, "deployments", null)]
    [InlineData("clusters/cluster-1/version", "cluster-1", SearchTarget.Version, "", "", null, "", null)]
    [InlineData("clusters/c/api", "c", SearchTarget.ApiVersions, "", "", null, "", null)]
    public void Parse_KnownShapes_Resolves(string rest, string? cluster, SearchTarget target, string group, string version, string? ns, string resource, string? name)
    {
        var path = SearchPath.Parse(rest).ShouldNotBeNull();

        path.ShouldBe(new SearchPath(cluster, target, group, version, ns, resource, name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("clusters/c")]
    [InlineData("foo")]
    [InlineData("api/v1/namespaces/default/pods/p/log")]
    [InlineData("apis/apps/v1/namespaces/default/deployments/d/scale")]
    public void Parse_UnservedShapes_ReturnsNull(string rest) => SearchPath.Parse(rest).ShouldBeNull();
}
