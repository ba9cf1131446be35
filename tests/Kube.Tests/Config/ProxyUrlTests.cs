using System.Net;
using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Config;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Kube.Tests.Config;

/// <summary>
/// A kubeconfig cluster's <c>proxy-url</c>: requests to a simulator over real HTTPS go through a real proxy in the
/// test process (HTTP CONNECT and SOCKS5) that counts its tunnels; the connect-time address check guards the proxy.
/// </summary>
public sealed class ProxyUrlTests : IAsyncLifetime
{
    private const string _token = "proxy-token";
    private const string _namespaces = "/api/v1/namespaces";
    private SimulatedCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Tls = true, Token = _token, Namespaces = 1, RunControllers = false });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ListPageAsync_ProxyUrl_GoesThroughTheProxy(bool socks5)
    {
        await using var proxy = new TunnelProxy(socks5);
        var options = await Kubeconfig.Parse(KubeconfigYaml(proxy.Url.ToString())).ToOptionsAsync(null, CancellationToken.None);
        using var client = new KubeClient(options);

        var page = await client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None);
        await client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None);

        page.Kind.ShouldBe("NamespaceList");
        options.ProxyUrl.ShouldBe(proxy.Url);
        proxy.Tunnels.ShouldBe(1, "one pooled connection, through one tunnel");
        proxy.Targets.ShouldBe([$"127.0.0.1:{_cluster.Url.Port}"]);
    }

    [Fact]
    public async Task ListPageAsync_ProxyAddressRefused_FailsWithoutTunnel()
    {
        await using var proxy = new TunnelProxy(socks5: false);
        var options = await Kubeconfig.Parse(KubeconfigYaml(proxy.Url.ToString())).ToOptionsAsync(null, CancellationToken.None);
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = options.Server,
            CertificateAuthorityPem = options.CertificateAuthorityPem,
            BearerToken = options.BearerToken,
            ProxyUrl = options.ProxyUrl,
            AllowAddress = address => !IPAddress.IsLoopback(address),
            MaxRetryAttempts = 0,
        });

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None));

        e.Message.ShouldContain("not allowed by the outbound target policy");
        proxy.Tunnels.ShouldBe(0);
    }

    [Theory]
    [InlineData("ftp://proxy.example:21")]
    [InlineData("socks4://proxy.example:1080")]
    [InlineData("not a url")]
    public async Task ToOptionsAsync_ProxyUrlNotHttpHttpsOrSocks5_FailsNamingTheField(string proxyUrl)
    {
        var e = await Should.ThrowAsync<FormatException>(() => Kubeconfig.Parse(KubeconfigYaml(proxyUrl)).ToOptionsAsync(null, CancellationToken.None));

        e.Message.ShouldContain("proxy-url must be an http, https or socks5 URL");
    }

    private string KubeconfigYaml(string proxyUrl) => $$"""
        apiVersion: v1
        kind: Config
        current-context: sim
        clusters:
        - name: sim
          cluster:
            server: "{{_cluster.Url.ToString().TrimEnd('/')}}"
            certificate-authority-data: "{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_cluster.CaCertificatePem!))}}"
            proxy-url: "{{proxyUrl}}"
        contexts:
        - name: sim
          context: {cluster: sim, user: u}
        users:
        - name: u
          user: {token: "{{_token}}"}
        """;
}
