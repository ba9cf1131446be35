using Clusterpedia.ApiServer.Security;
using Microsoft.AspNetCore.Http;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>Request attributes as kube's RequestInfoFactory derives them, so ClusterRoles for Clusterpedia mean the same here.</summary>
public sealed class RequestAttributesTests
{
    [Theory]
    [InlineData("GET", "/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments", "", "get|clusterpedia.io|v1beta1|resources|apps||apis")]
    [InlineData("GET", "/apis/clusterpedia.io/v1beta1/collectionresources", "", "list|clusterpedia.io|v1beta1|collectionresources|||")]
    [InlineData("GET", "/apis/clusterpedia.io/v1beta1/collectionresources/workloads", "", "get|clusterpedia.io|v1beta1|collectionresources|||workloads")]
    [InlineData("GET", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters", "?watch=true", "watch|cluster.clusterpedia.io|v1alpha2|pediaclusters|||")]
    [InlineData("PATCH", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/a/status", "", "patch|cluster.clusterpedia.io|v1alpha2|pediaclusters|status||a")]
    [InlineData("DELETE", "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters", "", "deletecollection|cluster.clusterpedia.io|v1alpha2|pediaclusters|||")]
    [InlineData("POST", "/api/v1/namespaces/default/pods", "", "create||v1|pods||default|")]
    [InlineData("GET", "/api/v1/namespaces/default", "", "get||v1|namespaces||default|default")]
    public void For_ResourcePath_AttributesAsKube(string method, string path, string query, string expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query.Length > 0 ? query : null);

        var a = RequestAttributes.For(context.Request);

        a.IsResourceRequest.ShouldBeTrue();
        $"{a.Verb}|{a.Group}|{a.Version}|{a.Resource}|{a.Subresource}|{a.Namespace}|{a.Name}".ShouldBe(expected);
    }

    [Theory]
    [InlineData("GET", "/apis/clusterpedia.io/v1beta1", "get")]
    [InlineData("GET", "/apis", "get")]
    [InlineData("GET", "/version", "get")]
    [InlineData("POST", "/api/v1", "post")]
    public void For_NonResourcePath_MethodAsVerb(string method, string path, string verb)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;

        var a = RequestAttributes.For(context.Request);

        a.IsResourceRequest.ShouldBeFalse();
        a.Verb.ShouldBe(verb);
        a.NonResourcePath.ShouldBe(path);
    }
}
