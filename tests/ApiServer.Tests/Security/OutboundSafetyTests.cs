using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// What a PediaCluster can make the server reach and read back, through the real server and real members: loopback
/// refused by default with a condition naming the setting, a non-Kubernetes answer never echoed into status, Secrets
/// skipped unless allowed, and their data dropped unless a second setting keeps it.
/// </summary>
public sealed class OutboundSafetyTests : IAsyncLifetime
{
    private const string _clusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    private static readonly HttpClient _http = new();
    private readonly TempDirectory _dir = new("clusterpedia-outbound-");
    private SimulatedCluster _member = null!;

    public async Task InitializeAsync() =>
        _member = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "member", Token = "outbound-token", Seed = 7, Tls = true });

    public async Task DisposeAsync()
    {
        await _member.DisposeAsync();
        _dir.Delete();
    }

    [Fact]
    public async Task Synchro_LoopbackMemberByDefault_RefusedWithAConditionNamingTheSetting()
    {
        await using var server = await InProcessServer.StartAsync(_dir.Path, "--Synchro:AllowLoopbackTargets", "false");
        await CreateAsync(server, _member.Url.ToString().TrimEnd('/'), ["configmaps"]);

        var status = await StatusWhenAsync(server, s => s.Contains("loopback", StringComparison.Ordinal));
        status.ShouldContain("InvalidSpec");
        status.ShouldContain("--Synchro:AllowLoopbackTargets=true");
    }

    [Fact]
    public async Task Synchro_TargetOutsideAllowedTargets_RefusedEvenWithLoopbackAllowed()
    {
        await using var server = await InProcessServer.StartAsync(_dir.Path, "--Synchro:AllowedTargets:0", "10.0.0.0/8", "--Synchro:AllowedTargets:1", "*.kube.example.com");
        await CreateAsync(server, _member.Url.ToString().TrimEnd('/'), ["configmaps"]);

        var status = await StatusWhenAsync(server, s => s.Contains("not in Synchro:AllowedTargets", StringComparison.Ordinal));
        status.ShouldContain("InvalidSpec");
    }

    [Fact]
    public async Task Synchro_TargetAnsweringWithASecretBody_StatusShowsNoneOfIt()
    {
        const string secret = "leaked-instance-credentials-4f1c";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var target = builder.Build();
        target.MapFallback((HttpContext context) =>
            context.Request.Path == "/version"
                ? Results.Text($$"""{"major":"1","minor":"30","gitVersion":"{{secret}}","platform":"{{secret}}"}""", "application/json")
                : Results.Text($"{secret}: AccessKeyId=AKIA{secret}", "text/plain", statusCode: 500));
        await target.StartAsync();
        var url = target.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var server = await InProcessServer.StartAsync(_dir.Path, "--Synchro:HealthInterval", "00:00:01");
        await CreateAsync(server, url, ["configmaps"]);

        var status = await StatusWhenAsync(server, s => s.Contains("not a Kubernetes Status", StringComparison.Ordinal));
        status.ShouldNotContain(secret);
    }

    [Fact]
    public async Task Synchro_SecretsRequestedWithoutTheSetting_SkippedWithAReasonWhileTheRestSyncs()
    {
        await using var server = await InProcessServer.StartAsync(_dir.Path);
        await CreateAsync(server, _member.Url.ToString().TrimEnd('/'), ["configmaps", "secrets"]);
        await PediaClusterReadiness.WaitAsync(_http, server.Url, "member", TimeSpan.FromSeconds(60));

        var status = await StatusWhenAsync(server, s => s.Contains("SecretsNotAllowed", StringComparison.Ordinal));
        status.ShouldContain("Synchro:AllowSyncSecrets");
        var secrets = await _http.GetAsync(new Uri(server.Url, "/apis/clusterpedia.io/v1beta1/resources/api/v1/secrets"));
        (await secrets.Content.ReadAsStringAsync()).ShouldNotContain("\"kind\":\"Secret\"");
        var configmaps = await _http.GetStringAsync(new Uri(server.Url, "/apis/clusterpedia.io/v1beta1/resources/api/v1/configmaps"));
        configmaps.ShouldContain("\"kind\":\"ConfigMap\"");
    }

    [Fact]
    public async Task Synchro_SecretsAllowedWithoutDataSetting_NamesStoredValuesDropped()
    {
        using (var kubectl = new Kubectl(_member, Kubectl.Newest))
        {
            await kubectl.OkAsync("create", "secret", "generic", "db-password", "-n", "default", "--from-literal=password=hunter2-outbound");
        }

        await using var server = await InProcessServer.StartAsync(_dir.Path, "--Synchro:AllowSyncSecrets", "true");
        await CreateAsync(server, _member.Url.ToString().TrimEnd('/'), ["secrets"]);
        await PediaClusterReadiness.WaitAsync(_http, server.Url, "member", TimeSpan.FromSeconds(60));

        var body = "";
        await Eventually.UntilAsync(
            async () => (body = await _http.GetStringAsync(new Uri(server.Url, "/apis/clusterpedia.io/v1beta1/resources/api/v1/secrets"))).Contains("db-password", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), () => Task.FromResult("the secret was not synced: " + body));
        body.ShouldNotContain("\"data\"");
        body.ShouldNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("hunter2-outbound")));
    }

    private async Task CreateAsync(InProcessServer server, string apiserver, string[] resources)
    {
        var obj = new JsonObject
        {
            ["apiVersion"] = "cluster.clusterpedia.io/v1alpha2",
            ["kind"] = "PediaCluster",
            ["metadata"] = new JsonObject { ["name"] = "member" },
            ["spec"] = new JsonObject
            {
                ["apiserver"] = apiserver,
                ["caData"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(_member.CaCertificatePem!)),
                ["tokenData"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(_member.Token!)),
                ["syncResources"] = new JsonArray(new JsonObject { ["group"] = "", ["resources"] = new JsonArray([.. resources.Select(r => JsonValue.Create(r))]) }),
            },
        };
        using var response = await _http.PostAsync(new Uri(server.Url, _clusters), new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json"));
        ((int)response.StatusCode).ShouldBe(201, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> StatusWhenAsync(InProcessServer server, Func<string, bool> condition)
    {
        var status = "";
        await Eventually.UntilAsync(
            async () =>
            {
                var obj = JsonNode.Parse(await _http.GetStringAsync(new Uri(server.Url, _clusters + "/member")))!;
                status = obj["status"]?.ToJsonString() ?? "";
                return condition(status);
            },
            TimeSpan.FromSeconds(45),
            () => Task.FromResult("status never matched; last: " + status));
        return status;
    }
}
