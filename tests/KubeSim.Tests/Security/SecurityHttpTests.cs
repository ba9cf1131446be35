using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests.Security;

/// <summary>401 and 403 bodies, anonymous access, impersonation headers and review validation over raw HTTPS.</summary>
public sealed class SecurityHttpTests(SecuredClusterFixture fixture) : IClassFixture<SecuredClusterFixture>
{
    [Fact]
    public async Task Get_NoCredentialsOrUnknownToken_UnauthorizedStatus()
    {
        using var anonymous = fixture.Http(null);
        using var unknown = fixture.Http("not-a-known-token");

        using var pods = await anonymous.GetAsync("/api/v1/pods");
        using var version = await unknown.GetAsync("/version");

        pods.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await pods.Content.ReadAsStringAsync()).ShouldBe(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""");
        version.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "a bad token is never anonymous");
    }

    [Theory]
    [InlineData("/version")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/livez")]
    public async Task Get_AnonymousPublicInfo_AllowedBySystemPublicInfoViewer(string path)
    {
        using var anonymous = fixture.Http(null);

        using var response = await anonymous.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Get_ViewerNamedSecret_ForbiddenStatusWithDetails()
    {
        using var viewer = fixture.Http(SecuredClusterFixture.ViewerToken);

        using var response = await viewer.GetAsync("/api/v1/namespaces/default/secrets/db");
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        status["reason"]!.GetValue<string>().ShouldBe("Forbidden");
        status["message"]!.GetValue<string>().ShouldBe(
            "secrets \"db\" is forbidden: User \"viewer\" cannot get resource \"secrets\" in API group \"\" in the namespace \"default\"");
        status["details"]!.ToJsonString().ShouldBe("""{"name":"db","kind":"secrets"}""");
    }

    [Fact]
    public async Task Requests_NobodyWithoutBindings_ForbiddenWithUpstreamWording()
    {
        using var nobody = fixture.Http(SecuredClusterFixture.NobodyToken);

        using var watch = await nobody.GetAsync("/apis/apps/v1/deployments?watch=true");
        using var scale = await nobody.GetAsync("/apis/apps/v1/namespaces/default/deployments/web/scale");
        using var path = await nobody.GetAsync("/metrics");
        using var discovery = await nobody.GetAsync("/apis");

        (await Message(watch)).ShouldBe(
            "deployments.apps is forbidden: User \"nobody\" cannot watch resource \"deployments\" in API group \"apps\" at the cluster scope");
        (await Message(scale)).ShouldBe(
            "deployments.apps \"web\" is forbidden: User \"nobody\" cannot get resource \"deployments/scale\" in API group \"apps\" in the namespace \"default\"");
        (await Message(path)).ShouldBe("forbidden: User \"nobody\" cannot get path \"/metrics\"");
        discovery.StatusCode.ShouldBe(HttpStatusCode.OK, "system:discovery is bound to system:authenticated");
    }

    [Fact]
    public async Task Get_AdminImpersonatingServiceAccount_ActsAsIt()
    {
        using var admin = fixture.Http(SecuredClusterFixture.AdminToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/pods");
        request.Headers.Add("Impersonate-User", "system:serviceaccount:default:builder");

        using var response = await admin.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Message(response)).ShouldContain("User \"system:serviceaccount:default:builder\" cannot list resource \"pods\"");
    }

    [Fact]
    public async Task Get_ImpersonateGroupWithoutUser_BadRequest()
    {
        using var admin = fixture.Http(SecuredClusterFixture.AdminToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces");
        request.Headers.Add("Impersonate-Group", "devs");

        using var response = await admin.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Message(response)).ShouldContain("Impersonate-User");
    }

    [Fact]
    public async Task Get_ViewerImpersonatingExtra_ForbiddenOnUserextras()
    {
        await using var _ = await GrantAsync("impersonate-users", """{"apiGroups":[""],"resources":["users"],"verbs":["impersonate"]}""");
        using var viewer = fixture.Http(SecuredClusterFixture.ViewerToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/pods");
        request.Headers.Add("Impersonate-User", "someone");
        request.Headers.Add("Impersonate-Extra-Scopes", "read");

        using var response = await viewer.SendAsync(request);

        (await Message(response)).ShouldBe(
            "userextras.authentication.k8s.io \"read\" is forbidden: User \"viewer\" cannot impersonate resource \"userextras/scopes\" in API group \"authentication.k8s.io\" at the cluster scope");
    }

    [Fact]
    public async Task Create_SelfSubjectReview_AnswersRequestUserAndStoresNothing()
    {
        using var nobody = fixture.Http(SecuredClusterFixture.NobodyToken);

        using var response = await nobody.PostAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews",
            Json("""{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}"""));
        using var list = await nobody.GetAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews");

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!.ToJsonString().ShouldBe(
            """{"userInfo":{"username":"nobody","uid":"uid-nobody","groups":["team-a","team-b","system:authenticated"]}}""");
        list.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "list is authorized first, and nobody may not list reviews");
    }

    [Fact]
    public async Task Create_LocalSubjectAccessReviewOtherNamespace_Invalid()
    {
        using var admin = fixture.Http(SecuredClusterFixture.AdminToken);

        using var response = await admin.PostAsync("/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews", Json("""
            {"spec":{"user":"viewer","resourceAttributes":{"namespace":"kube-system","verb":"get","resource":"pods"}}}
            """));

        response.StatusCode.ShouldBe((HttpStatusCode)422);
        (await Message(response)).ShouldContain("spec.resourceAttributes.namespace: Invalid value: \"kube-system\": must match metadata.namespace");
    }

    [Fact]
    public async Task Create_SubjectAccessReviewWithoutSubject_Invalid()
    {
        using var admin = fixture.Http(SecuredClusterFixture.AdminToken);

        using var response = await admin.PostAsync("/apis/authorization.k8s.io/v1/subjectaccessreviews", Json("""
            {"spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"}}}
            """));

        response.StatusCode.ShouldBe((HttpStatusCode)422);
        (await Message(response)).ShouldContain("spec.user");
    }

    [Fact]
    public async Task Create_TokenRequestForMissingServiceAccount_NotFound()
    {
        using var admin = fixture.Http(SecuredClusterFixture.AdminToken);

        using var response = await admin.PostAsync("/api/v1/namespaces/default/serviceaccounts/ghost/token", Json("""{"spec":{}}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Message(response)).ShouldBe("serviceaccounts \"ghost\" not found");
    }

    [Fact]
    public async Task Create_TokenReviewOfServiceAccountToken_AuthenticatedWithGroups()
    {
        var accounts = new GroupVersionResource(string.Empty, "v1", "serviceaccounts");
        var account = fixture.Cluster.Store.Create(accounts, "default", """{"metadata":{"name":"reviewed"}}""");
        using var admin = fixture.Http(SecuredClusterFixture.AdminToken);
        using var issued = await admin.PostAsync("/api/v1/namespaces/default/serviceaccounts/reviewed/token",
            Json("""{"spec":{"audiences":["https://kubernetes.default.svc.cluster.local"]}}"""));
        var token = JsonNode.Parse(await issued.Content.ReadAsStringAsync())!["status"]!["token"]!.GetValue<string>();

        using var review = await admin.PostAsync("/apis/authentication.k8s.io/v1/tokenreviews", Json($$$"""{"spec":{"token":"{{{token}}}"}}"""));
        var status = JsonNode.Parse(await review.Content.ReadAsStringAsync())!["status"]!;
        fixture.Cluster.Store.Delete(accounts, "default", "reviewed");
        using var afterDelete = await admin.PostAsync("/apis/authentication.k8s.io/v1/tokenreviews", Json($$$"""{"spec":{"token":"{{{token}}}"}}"""));

        issued.StatusCode.ShouldBe(HttpStatusCode.Created);
        status["authenticated"]!.GetValue<bool>().ShouldBeTrue();
        status["user"]!.ToJsonString().ShouldBe(
            $$"""{"username":"system:serviceaccount:default:reviewed","uid":"{{account["metadata"]!["uid"]}}","groups":["system:serviceaccounts","system:serviceaccounts:default","system:authenticated"]}""");
        JsonNode.Parse(await afterDelete.Content.ReadAsStringAsync())!["status"]!["authenticated"].ShouldBeNull();
    }

    private async Task<IAsyncDisposable> GrantAsync(string name, string rule)
    {
        var store = fixture.Cluster.Store;
        var roles = new GroupVersionResource("rbac.authorization.k8s.io", "v1", "clusterroles");
        var bindings = new GroupVersionResource("rbac.authorization.k8s.io", "v1", "clusterrolebindings");
        store.Create(roles, null, $$"""{"metadata":{"name":"{{name}}"},"rules":[{{rule}}]}""");
        store.Create(bindings, null, $$"""
            {"metadata":{"name":"{{name}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"{{name}}"},
             "subjects":[{"kind":"User","name":"viewer"}]}
            """);
        await Task.CompletedTask;
        return new Revoke(() =>
        {
            store.Delete(bindings, null, name);
            store.Delete(roles, null, name);
        });
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<string> Message(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>();

    private sealed class Revoke(Action revoke) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            revoke();
            return ValueTask.CompletedTask;
        }
    }
}
