using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests.Aggregation;

/// <summary>What the aggregator sends to, and how it judges, an aggregated API server.</summary>
public sealed class AggregationProxyTests
{
    private static readonly GroupVersionResource _configMaps = new(string.Empty, "v1", "configmaps");

    private static Task<SimulatedCluster> StartHostAsync() => SimulatedCluster.StartAsync(new SimulatorOptions
    {
        Port = 0,
        Tls = true,
        Namespaces = 0,
        ClusterName = "host",
        AggregationCheckInterval = TimeSpan.FromMilliseconds(200),
    });

    private static HttpClient ClientFor(SimulatedCluster cluster, string user, params string[] groups)
    {
        var (certificatePem, keyPem) = cluster.IssueClientCertificate(user, groups);
        using var pem = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        handler.ClientCertificates.Add(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null));
        return new HttpClient(handler) { BaseAddress = cluster.Url };
    }

    [Fact]
    public async Task Proxy_AuthenticatedUser_SentAsRemoteHeadersWithFrontProxyCertificate()
    {
        await using var host = await StartHostAsync();
        await using var echo = await HeaderEchoServer.StartAsync();
        AggregatedPair.Register(host, "echo", "echo", echo.Port);
        host.Store.Create(AggregatedPair.ApiServices, null, AggregatedPair.ApiService("v1.echo.example.com", "echo.example.com", "v1", "echo", "echo", echo.CaPem));
        await Eventually.TrueAsync(() => AggregatedPair.AvailableIn(host, "v1.echo.example.com").Status == "True", "the echo APIService to be available");
        // RBAC in the host: the devs may impersonate bob, and bob may list things (authorization runs before the proxy).
        var clusterRoles = new GroupVersionResource("rbac.authorization.k8s.io", "v1", "clusterroles");
        var bindings = new GroupVersionResource("rbac.authorization.k8s.io", "v1", "clusterrolebindings");
        host.Store.Create(clusterRoles, null, """
            {"metadata":{"name":"impersonate-bob"},"rules":[{"apiGroups":[""],"resources":["users"],"verbs":["impersonate"],"resourceNames":["bob"]}]}
            """);
        host.Store.Create(bindings, null, """
            {"metadata":{"name":"devs-impersonate-bob"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"impersonate-bob"},
             "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"devs"}]}
            """);
        host.Store.Create(clusterRoles, null, """
            {"metadata":{"name":"things-reader"},"rules":[{"apiGroups":["echo.example.com"],"resources":["things"],"verbs":["list"]}]}
            """);
        host.Store.Create(bindings, null, """
            {"metadata":{"name":"bob-things"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"things-reader"},
             "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"bob"}]}
            """);
        using var client = ClientFor(host, "alice", "devs");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis/echo.example.com/v1/things?limit=5");
        request.Headers.TryAddWithoutValidation("X-Remote-User", "mallory");
        request.Headers.TryAddWithoutValidation("X-Remote-Group", "system:masters");
        request.Headers.TryAddWithoutValidation("Impersonate-User", "bob");

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Warning").ShouldBe(["299 - \"echoed\""]);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var echoed = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        echoed["clientCN"]!.GetValue<string>().ShouldBe("front-proxy-client");
        echoed["path"]!.GetValue<string>().ShouldBe("/apis/echo.example.com/v1/things?limit=5");
        var headers = echoed["headers"]!.AsObject();
        // The impersonated user travels, not the caller, nor what the caller wrote into X-Remote-* itself.
        headers["x-remote-user"]!.AsArray().Select(v => v!.GetValue<string>()).ShouldBe(["bob"]);
        headers["x-remote-group"]!.AsArray().Select(v => v!.GetValue<string>()).ShouldBe(["system:authenticated"]);
        headers.ContainsKey("impersonate-user").ShouldBeFalse();
        headers.ContainsKey("authorization").ShouldBeFalse();
    }

    [Fact]
    public async Task Availability_MissingServiceThenMissingEndpoints_FalseWithUpstreamReasons()
    {
        await using var host = await StartHostAsync();

        host.Store.Create(AggregatedPair.ApiServices, null, AggregatedPair.ApiService("v1.ghost.example.com", "ghost.example.com", "v1", "ghosts", "api", null));

        await Eventually.TrueAsync(() => AggregatedPair.AvailableIn(host, "v1.ghost.example.com").Status == "False", "Available=False");
        AggregatedPair.AvailableIn(host, "v1.ghost.example.com").ShouldBe(("False", "ServiceNotFound", "service/api in \"ghosts\" is not present"));
        host.Store.Create(new GroupVersionResource(string.Empty, "v1", "namespaces"), null, """{"metadata":{"name":"ghosts"}}""");
        host.Store.Create(new GroupVersionResource(string.Empty, "v1", "services"), "ghosts", """
            {"metadata":{"name":"api"},"spec":{"type":"ClusterIP","ports":[{"name":"https","port":443,"targetPort":8443}]}}
            """);
        await Eventually.TrueAsync(() => AggregatedPair.AvailableIn(host, "v1.ghost.example.com").Reason == "MissingEndpoints", "MissingEndpoints");
        AggregatedPair.AvailableIn(host, "v1.ghost.example.com").Message.ShouldBe("endpoints for service/api in \"ghosts\" have no addresses with port name \"https\"");
        using var client = ClientFor(host, "alice");
        using var response = await client.GetAsync("/apis/ghost.example.com/v1");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        status["kind"]!.GetValue<string>().ShouldBe("Status");
        status["message"]!.GetValue<string>().ShouldBe("service unavailable");
    }

    [Fact]
    public async Task LegacyDiscovery_AggregatedGroups_ListedAfterLocalOnesByPriority()
    {
        await using var host = await StartHostAsync();
        var low = AggregatedPair.ApiService("v1.low.example.com", "low.example.com", "v1", "x", "x", null);
        low["spec"]!["groupPriorityMinimum"] = 100;
        var high = AggregatedPair.ApiService("v1beta1.high.example.com", "high.example.com", "v1beta1", "x", "x", null);
        high["spec"]!["groupPriorityMinimum"] = 2000;
        var highV2 = AggregatedPair.ApiService("v2.high.example.com", "high.example.com", "v2", "x", "x", null);
        highV2["spec"]!["versionPriority"] = 1;
        foreach (var apiService in new[] { low, high, highV2 })
        {
            host.Store.Create(AggregatedPair.ApiServices, null, apiService);
        }

        using var client = ClientFor(host, "alice");
        var groups = JsonNode.Parse(await client.GetStringAsync("/apis"))!["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ToList();
        var group = JsonNode.Parse(await client.GetStringAsync("/apis/high.example.com"))!;

        groups[^2..].ShouldBe(["high.example.com", "low.example.com"]);
        groups.ShouldContain("apps");
        group["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<string>()).ShouldBe(["v1beta1", "v2"]);
        group["preferredVersion"]!["version"]!.GetValue<string>().ShouldBe("v1beta1");
    }

    [Fact]
    public async Task AggregatedDiscovery_BackendGoesDown_EntryMarkedStale()
    {
        await using var pair = await AggregatedPair.StartAsync();
        using var client = ClientFor(pair.Host, "alice");

        async Task<JsonNode?> ExampleAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"));
            using var response = await client.SendAsync(request);
            var list = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return list["items"]!.AsArray().FirstOrDefault(i => i!["metadata"]!["name"]!.GetValue<string>() == "example.com");
        }

        var fresh = (await ExampleAsync()).ShouldNotBeNull();
        fresh["versions"]![0]!["freshness"]!.GetValue<string>().ShouldBe("Current");
        fresh["versions"]![0]!["resources"]![0]!["resource"]!.GetValue<string>().ShouldBe("widgets");
        pair.Backend.Faults.GoDown(TimeSpan.FromMinutes(5));
        await pair.WaitAvailableAsync("v1.example.com", "False");
        var stale = (await ExampleAsync()).ShouldNotBeNull();
        stale["versions"]![0]!["freshness"]!.GetValue<string>().ShouldBe("Stale");
    }

    [Fact]
    public async Task Start_WithTls_WritesExtensionApiServerAuthentication()
    {
        await using var host = await StartHostAsync();

        var data = host.Store.Get(_configMaps, "kube-system", "extension-apiserver-authentication").ShouldNotBeNull()["data"]!;

        data["client-ca-file"]!.GetValue<string>().ShouldBe(host.CaCertificatePem);
        data["requestheader-client-ca-file"]!.GetValue<string>().ShouldBe(host.FrontProxyCaPem);
        JsonSerializer.Deserialize<string[]>(data["requestheader-allowed-names"]!.GetValue<string>()).ShouldBe(["front-proxy-client"]);
        JsonSerializer.Deserialize<string[]>(data["requestheader-username-headers"]!.GetValue<string>()).ShouldBe(["X-Remote-User"]);
        JsonSerializer.Deserialize<string[]>(data["requestheader-group-headers"]!.GetValue<string>()).ShouldBe(["X-Remote-Group"]);
        JsonSerializer.Deserialize<string[]>(data["requestheader-extra-headers-prefix"]!.GetValue<string>()).ShouldBe(["X-Remote-Extra-"]);
    }

    [Fact]
    public async Task RequestHeader_WithoutFrontProxyCertificate_HeadersIgnored()
    {
        await using var pair = await AggregatedPair.StartAsync();
        // A client certificate from the backend's own CA is a user, not a front proxy: its X-Remote-User is not believed,
        // and without any certificate the header alone authenticates no one.
        using var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            BaseAddress = pair.Backend.Url,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis/example.com/v1/widgets");
        request.Headers.TryAddWithoutValidation("X-Remote-User", "system:admin");

        using var response = await anonymous.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
