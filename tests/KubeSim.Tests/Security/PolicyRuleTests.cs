using Clusterpedia.Kube.Rbac;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Rbac;
using Microsoft.AspNetCore.Http;

namespace Clusterpedia.KubeSim.Tests.Security;

/// <summary>RBAC rule matching and request attributes, as upstream's evaluation helpers and RequestInfoFactory define them.</summary>
public sealed class PolicyRuleTests
{
    private static readonly UserInfo _user = UserInfo.Authenticated("u", null, []);

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/pods", "", "list", "", "pods", "", "default", "")]
    [InlineData("GET", "/api/v1/namespaces/default/pods", "watch=true", "watch", "", "pods", "", "default", "")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/web", "watch=1", "watch", "", "pods", "", "default", "web")]
    [InlineData("GET", "/api/v1/namespaces/default/pods", "fieldSelector=metadata.name%3Dweb", "list", "", "pods", "", "default", "web")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/web/log", "", "get", "", "pods", "log", "default", "web")]
    [InlineData("DELETE", "/apis/apps/v1/namespaces/ns/deployments", "", "deletecollection", "apps", "deployments", "", "ns", "")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/ns/deployments/web/scale", "", "patch", "apps", "deployments", "scale", "ns", "web")]
    [InlineData("GET", "/api/v1/namespaces/kube-system", "", "get", "", "namespaces", "", "kube-system", "kube-system")]
    [InlineData("PUT", "/api/v1/namespaces/kube-system/finalize", "", "update", "", "namespaces", "finalize", "kube-system", "kube-system")]
    [InlineData("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "", "create", "rbac.authorization.k8s.io", "clusterroles", "", "", "")]
    public void FromRequest_ResourcePaths_AttributesAsUpstream(
        string method, string path, string query, string verb, string group, string resource, string subresource, string ns, string name)
    {
        var attributes = RequestAttributes.FromRequest(_user, method, path, new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)));

        attributes.IsResourceRequest.ShouldBeTrue();
        (attributes.Verb, attributes.ApiGroup, attributes.Resource, attributes.Subresource, attributes.Namespace, attributes.Name)
            .ShouldBe((verb, group, resource, subresource, ns, name));
    }

    [Theory]
    [InlineData("/api")]
    [InlineData("/api/v1")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/healthz/etcd")]
    [InlineData("/openapi/v3/apis/apps/v1")]
    public void FromRequest_DiscoveryAndOtherPaths_NonResource(string path)
    {
        var attributes = RequestAttributes.FromRequest(_user, "GET", path, new QueryCollection());

        attributes.IsResourceRequest.ShouldBeFalse();
        (attributes.Verb, attributes.Path).ShouldBe(("get", path));
    }

    [Fact]
    public void Allows_SubresourceWildcardsAndNames_MatchAsUpstream()
    {
        var scaleAnything = new PolicyRule(["get"], ["*"], ["*/scale"], [], []);
        var oneLog = new PolicyRule(["get"], [""], ["pods/log"], ["web"], []);
        var pods = new PolicyRule(["*"], [""], ["pods"], [], []);

        scaleAnything.Allows(Resource("get", "apps", "deployments", "scale", "web")).ShouldBeTrue();
        scaleAnything.Allows(Resource("get", "apps", "deployments", string.Empty, "web")).ShouldBeFalse();
        oneLog.Allows(Resource("get", string.Empty, "pods", "log", "web")).ShouldBeTrue();
        oneLog.Allows(Resource("get", string.Empty, "pods", "log", "db")).ShouldBeFalse();
        pods.Allows(Resource("delete", string.Empty, "pods", string.Empty, "web")).ShouldBeTrue();
        pods.Allows(Resource("get", string.Empty, "pods", "log", "web")).ShouldBeFalse("pods does not cover pods/log");
        pods.Allows(Resource("get", "apps", "pods", string.Empty, "web")).ShouldBeFalse();
    }

    [Fact]
    public void Allows_NonResourceUrls_ExactOrTrailingStar()
    {
        var rule = new PolicyRule(["get"], [], [], [], ["/healthz", "/apis/*"]);

        rule.Allows(new RequestAttributes(_user, "get", false, "/healthz")).ShouldBeTrue();
        rule.Allows(new RequestAttributes(_user, "get", false, "/healthz/etcd")).ShouldBeFalse();
        rule.Allows(new RequestAttributes(_user, "get", false, "/apis/apps/v1")).ShouldBeTrue();
        rule.Allows(new RequestAttributes(_user, "post", false, "/healthz")).ShouldBeFalse();
        rule.Allows(Resource("get", string.Empty, "healthz", string.Empty, string.Empty)).ShouldBeFalse("a non-resource rule never allows a resource request");
    }

    private static RequestAttributes Resource(string verb, string group, string resource, string subresource, string name) =>
        new(_user, verb, true, string.Empty) { ApiGroup = group, Resource = resource, Subresource = subresource, Name = name, Namespace = "default" };
}
