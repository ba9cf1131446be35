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

    // How a target that is no Kubernetes API server (a metadata service, an internal admin page) may answer.
    [Theory]
    [InlineData("html-version")]
    [InlineData("text-after-version")]
    [InlineData("json-not-status")]
    [InlineData("long-status")]
    public async Task Synchro_TargetAnsweringWithSecretBodies_NeitherStatusNorAnyLogRecordShowsMoreThanABoundedStatus(string answer)
    {
        const string secret = "ssrf-marker-7d2e";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var target = builder.Build();
        var longMessage = secret + new string('x', 2000) + "tail-" + secret;
        target.MapFallback((HttpContext context) => (answer, context.Request.Path.Value) switch
        {
            ("html-version", _) => Results.Text($"<html><body>{secret}</body></html>", "text/html"),
            (_, "/version") => Results.Text("""{"major":"1","minor":"30","gitVersion":"v1.30.2"}""", "application/json"),
            ("text-after-version", _) => Results.Text($"{secret} AccessKeyId=AKIA{secret}", "text/plain"),
            ("json-not-status", _) => Results.Text($$"""{"Code":"Success","SecretAccessKey":"{{secret}}","Token":"{{secret}}"}""", "application/json", statusCode: 403),
            _ => Results.Text($$"""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,"message":"{{longMessage}}"}""", "application/json", statusCode: 403),
        });
        await target.StartAsync();
        var url = target.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var server = await CredentialServer.StartAsync(_dir.Path, "--Synchro:HealthInterval", "00:00:01");
        using var admin = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", CredentialServer.AdminToken) },
        };
        await CreateAsync(admin, server.Url, url, ["configmaps"]);

        var status = await StatusWhenAsync(admin, server.Url, s => s.Contains("\"status\":\"False\"", StringComparison.Ordinal) && s.Contains("message", StringComparison.Ordinal));
        var logs = server.Logs.Text;
        if (answer == "long-status")
        {
            // A Kubernetes Status is reported, its message cut to 512 characters: the start may show, the rest never.
            status.ShouldNotContain("tail-" + secret);
            logs.ShouldNotContain("tail-" + secret, customMessage: string.Join('\n', logs.Split('\n').Where(l => l.Contains("tail-" + secret, StringComparison.Ordinal)).Select(l => l[..Math.Min(l.Length, 1500)])));
        }
        else
        {
            status.ShouldNotContain(secret);
            logs.ShouldNotContain(secret, customMessage: string.Join('\n', logs.Split('\n').Where(l => l.Contains(secret, StringComparison.Ordinal)).Select(l => l[..Math.Min(l.Length, 1500)])));
        }

        logs.ShouldNotBeEmpty();
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

    private Task CreateAsync(InProcessServer server, string apiserver, string[] resources) => CreateAsync(_http, server.Url, apiserver, resources);

    private async Task CreateAsync(HttpClient http, Uri server, string apiserver, string[] resources)
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
        using var response = await http.PostAsync(new Uri(server, _clusters), new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json"));
        ((int)response.StatusCode).ShouldBe(201, await response.Content.ReadAsStringAsync());
    }

    private static Task<string> StatusWhenAsync(InProcessServer server, Func<string, bool> condition) => StatusWhenAsync(_http, server.Url, condition);

    private static async Task<string> StatusWhenAsync(HttpClient http, Uri server, Func<string, bool> condition)
    {
        var status = "";
        await Eventually.UntilAsync(
            async () =>
            {
                var obj = JsonNode.Parse(await http.GetStringAsync(new Uri(server, _clusters + "/member")))!;
                status = obj["status"]?.ToJsonString() ?? "";
                return condition(status);
            },
            TimeSpan.FromSeconds(45),
            () => Task.FromResult("status never matched; last: " + status));
        return status;
    }
}
