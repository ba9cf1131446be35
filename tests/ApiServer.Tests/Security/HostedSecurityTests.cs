using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// Hosted mode with security on, through the simulated host's aggregation layer and directly: the front-proxy path
/// carries the host's user, forged X-Remote-* headers are not believed, bearer tokens go to the host's TokenReview,
/// and decisions to its SubjectAccessReview (a user the host does not allow gets 403).
/// </summary>
public sealed class HostedSecurityTests(HostedSecurityEnvironment env) : IClassFixture<HostedSecurityEnvironment>
{
    private const string _deployments = "/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments";

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task KubectlThroughHost_AllowedViewer_ListsMemberDeployments(string binary)
    {
        using var viewer = await env.HostKubectlAsync(HostedSecurityEnvironment.ViewerToken, search: true, binary);

        var output = await viewer.OkAsync("get", "deployments", "-A");

        output.ShouldContain("coredns");
        output.ShouldContain("member");
    }

    [Fact]
    public async Task KubectlThroughHost_UserWithoutHostPermission_Forbidden()
    {
        using var nobody = await env.HostKubectlAsync(HostedSecurityEnvironment.NobodyToken, search: false);

        var result = await nobody.RunAsync("get", "--raw", _deployments);

        result.ExitCode.ShouldNotBe(0);
        result.Stderr.ShouldContain(
            "Error from server (Forbidden): resources.clusterpedia.io \"apis\" is forbidden: User \"nobody\" cannot get resource \"resources/apps\" in API group \"clusterpedia.io\" at the cluster scope");
    }

    [Fact]
    public async Task Direct_ForgedRemoteUserWithoutProxyCertificate_Unauthorized()
    {
        using var http = env.DirectHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Server.Url, _deployments));
        request.Headers.Add("X-Remote-User", "system:kube-aggregator");
        request.Headers.Add("X-Remote-Group", "system:masters");

        using var response = await http.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(401);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]!.GetValue<string>().ShouldBe("Unauthorized");
    }

    [Fact]
    public async Task Direct_HostClientCertificateWithForgedHeaders_CertificateUserOnly()
    {
        // A client certificate of the host's client CA (from the ConfigMap's client-ca-file) is the user it names; it
        // is not the front proxy's, so X-Remote-* headers next to it are ignored.
        var (certPem, keyPem) = env.Host.IssueClientCertificate("nobody", "nobodies");
        using var http = env.DirectHttp(TrustingHttp.ClientCertificate(certPem, keyPem));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Server.Url, _deployments));
        request.Headers.Add("X-Remote-User", "viewer");

        using var response = await http.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(403);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>().ShouldBe(
            "resources.clusterpedia.io \"apis\" is forbidden: User \"nobody\" cannot get resource \"resources/apps\" in API group \"clusterpedia.io\" at the cluster scope");
    }

    [Fact]
    public async Task Direct_ViewerToken_ReviewedByHostAndServed()
    {
        using var http = env.DirectHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Server.Url, _deployments));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HostedSecurityEnvironment.ViewerToken);

        using var response = await http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("coredns");
    }

    [Fact]
    public async Task Direct_NobodyToken_ForbiddenBySubjectAccessReview()
    {
        using var http = env.DirectHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(env.Server.Url, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters"))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HostedSecurityEnvironment.NobodyToken);

        using var response = await http.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(403);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>().ShouldBe(
            "pediaclusters.cluster.clusterpedia.io is forbidden: User \"nobody\" cannot create resource \"pediaclusters\" in API group \"cluster.clusterpedia.io\" at the cluster scope");
    }

    [Fact]
    public async Task Logs_AfterSyncAndSearchesThroughTheHost_NoMemberTokenNorUserToken()
    {
        using var viewer = await env.HostKubectlAsync(HostedSecurityEnvironment.ViewerToken, search: true);
        await viewer.OkAsync("get", "deployments", "-A");
        using var http = env.DirectHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Server.Url, _deployments));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HostedSecurityEnvironment.NobodyToken);
        using var response = await http.SendAsync(request);

        // The member's token came from a host Secret (authenticationFrom); the users' tokens went to TokenReview.
        var logs = env.Logs.Text;
        logs.ShouldNotBeEmpty();
        foreach (var token in new[] { env.Member.Token!, Convert.ToBase64String(Encoding.UTF8.GetBytes(env.Member.Token!)), HostedSecurityEnvironment.ViewerToken, HostedSecurityEnvironment.NobodyToken, "host-admin-token" })
        {
            logs.ShouldNotContain(token);
        }
    }

    [Fact]
    public async Task Direct_UnknownToken_Unauthorized()
    {
        using var http = env.DirectHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Server.Url, _deployments));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "no-such-token");

        using var response = await http.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(401);
    }
}
