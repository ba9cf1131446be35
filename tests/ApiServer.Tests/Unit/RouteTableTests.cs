using Clusterpedia.ApiServer.Search;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Clusterpedia.ApiServer.Tests.Unit;

/// <summary>
/// The search shapes of the route table: each path under the search prefix matches exactly one pattern (so no
/// precedence rule decides what a path means), and its route values are the path's parts.
/// </summary>
public sealed class RouteTableTests
{
    private static readonly List<(TemplateMatcher Matcher, SearchTarget Target)> _patterns =
    [
        .. new[] { Routes.SearchPrefix, Routes.SearchClusterScope }.SelectMany(scope => Routes.SearchShapes.Select(s =>
            (new TemplateMatcher(TemplateParser.Parse((scope + s.Shape).TrimStart('/')), []), s.Target))),
    ];

    private static List<SearchPath> Match(string rest)
    {
        var found = new List<SearchPath>();
        foreach (var (matcher, target) in _patterns)
        {
            var values = new RouteValueDictionary();
            if (matcher.TryMatch(Routes.SearchPrefix + "/" + rest, values))
            {
                found.Add(new SearchPath(
                    values["cluster"] as string, target, values["group"] as string ?? "", values["version"] as string ?? "",
                    values["namespace"] as string, values["resource"] as string ?? "", values["name"] as string));
            }
        }

        return found;
    }

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
    [InlineData("api/v1/namespaces/kube-system/pods/p", null, SearchTarget.Object, "", "v1", "kube-system", "pods", "p")]
    [InlineData("apis/apps/v1/deployments/d", null, SearchTarget.Object, "apps", "v1", null, "deployments", "d")]
    [InlineData("apis/apps/v1/namespaces/kube-system/deployments", null, SearchTarget.Collection, "apps", "v1", "kube-system", "deployments", null)]
    [InlineData("apis/apps/v1/namespaces/kube-system/deployments/coredns", null, SearchTarget.Object, "apps", "v1", "kube-system", "deployments", "coredns")]
    [InlineData("clusters/cluster-1/apis/apps/v1/deployments", "cluster-1", SearchTarget.Collection, "apps", "v1", null, "deployments", null)]
    [InlineData("clusters/cluster-1/version", "cluster-1", SearchTarget.Version, "", "", null, "", null)]
    [InlineData("clusters/c/api", "c", SearchTarget.ApiVersions, "", "", null, "", null)]
    [InlineData("clusters/api/api/v1/pods", "api", SearchTarget.Collection, "", "v1", null, "pods", null)]
    public void Match_KnownShapes_ExactlyOnePatternWithThePathsParts(string rest, string? cluster, SearchTarget target, string group, string version, string? ns, string resource, string? name) =>
        Match(rest).ShouldHaveSingleItem().ShouldBe(new SearchPath(cluster, target, group, version, ns, resource, name));

    [Theory]
    [InlineData("")]
    [InlineData("clusters")]
    [InlineData("clusters/c")]
    [InlineData("foo")]
    [InlineData("api/v1/namespaces/default/pods/p/log")]
    [InlineData("api/v1/nodes/n/status")]
    [InlineData("apis/apps/v1/namespaces/default/deployments/d/scale")]
    public void Match_UnservedShapes_NoPattern(string rest) => Match(rest).ShouldBeEmpty();
}
