using System.Net;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests.Security;

/// <summary>How the options choose authentication and authorization, and what they leave in the store.</summary>
public sealed class SecurityOptionsTests
{
    private static readonly GroupVersionResource _clusterRoles = new("rbac.authorization.k8s.io", "v1", "clusterroles");

    [Fact]
    public async Task StartAsync_TokenFileLineWithTwoColumns_FailsNamingTheLine()
    {
        var directory = new TempDirectory("kubesim-tokens-");
        try
        {
            var path = directory.File("tokens.csv");
            await File.WriteAllTextAsync(path, "good,alice,uid-1\nbad,bob\n");

            var error = await Should.ThrowAsync<InvalidOperationException>(
                () => SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, TokenAuthFile = path, Namespaces = 0 }));

            error.Message.ShouldContain("must have at least 3 columns (token, user name, user uid), found 2 on line 2");
        }
        finally
        {
            directory.Delete();
        }
    }

    [Fact]
    public async Task StartAsync_NoCredentials_AlwaysAllowAndNoBootstrapRoles()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 0 });
        using var http = new HttpClient { BaseAddress = cluster.Url };

        using var secrets = await http.GetAsync("/api/v1/secrets");

        secrets.StatusCode.ShouldBe(HttpStatusCode.OK);
        cluster.Store.Count(_clusterRoles).ShouldBe(0);
    }

    [Fact]
    public async Task StartAsync_TokenAndAllowAnonymous_AnonymousMayDoAnything()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Token = "t", AllowAnonymous = true, Namespaces = 0 });
        using var http = new HttpClient { BaseAddress = cluster.Url };

        using var secrets = await http.GetAsync("/api/v1/secrets");

        secrets.StatusCode.ShouldBe(HttpStatusCode.OK, "AllowAnonymous also makes authorization AlwaysAllow (a simulator shortcut)");
    }

    [Fact]
    public async Task StartAsync_AllowAnonymousWithRbac_AnonymousForbiddenLikeUpstream()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions
        {
            Port = 0,
            Token = "t",
            AllowAnonymous = true,
            AuthorizationMode = AuthorizationMode.Rbac,
            Namespaces = 0,
        });
        using var http = new HttpClient { BaseAddress = cluster.Url };

        using var secrets = await http.GetAsync("/api/v1/namespaces/default/secrets");
        using var version = await http.GetAsync("/version");

        secrets.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        JsonNode.Parse(await secrets.Content.ReadAsStringAsync())!["message"]!.GetValue<string>().ShouldBe(
            "secrets is forbidden: User \"system:anonymous\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\"");
        version.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task StartAsync_Rbac_DefaultRolesAggregated()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Token = "t", Namespaces = 0 });

        var roles = cluster.Store.List(_clusterRoles).Select(r => r["metadata"]!["name"]!.GetValue<string>()).ToList();
        var admin = cluster.Store.Get(_clusterRoles, null, "admin")!;

        roles.ShouldContain("cluster-admin");
        roles.ShouldContain("system:public-info-viewer");
        roles.ShouldContain("view");
        admin["rules"]!.ToJsonString().ShouldContain("\"localsubjectaccessreviews\"", customMessage: "admin aggregates system:aggregate-to-admin");
        admin["rules"]!.ToJsonString().ShouldContain("\"pods/log\"", customMessage: "admin aggregates edit, which aggregates view");
    }
}
