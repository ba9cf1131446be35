using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Config;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Kube.Tests.Config;

/// <summary>
/// In-cluster configuration (a pod's ServiceAccount directory and service variables, here a temporary directory and
/// an environment of the test's own) against a simulator over real HTTPS that accepts only its own token.
/// </summary>
public sealed class InClusterConfigTests : IAsyncLifetime
{
    private const string _simToken = "sim-in-cluster-token";
    private const string _namespaces = "/api/v1/namespaces";
    private readonly string _dir = Directory.CreateTempSubdirectory("in-cluster-").FullName;
    private SimulatedCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Tls = true, Token = _simToken, Namespaces = 1, RunControllers = false });

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ToOptionsAsync_ServiceAccountDirectory_ReachesTheClusterWithItsTokenAndCa()
    {
        await WriteServiceAccountAsync(_simToken);
        var config = Config(_cluster.Url.Host, _cluster.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var options = await config.ToOptionsAsync(CancellationToken.None);
        using var client = new KubeClient(options);
        var page = await client.ListPageAsync(_namespaces, new ListRequest(), CancellationToken.None);

        config.IsAvailable.ShouldBeTrue();
        options.Server.ShouldBe(new Uri($"https://{_cluster.Url.Host}:{_cluster.Url.Port}"));
        options.CertificateAuthorityPem.ShouldBe(_cluster.CaCertificatePem);
        config.ReadNamespace().ShouldBe("clusterpedia-system");
        page.Kind.ShouldBe("NamespaceList");
    }

    [Fact]
    public async Task ToOptionsAsync_TokenRotated_NewTokenUsedWithoutRestart()
    {
        await WriteServiceAccountAsync("expired-token");
        var options = await Config(_cluster.Url.Host, _cluster.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToOptionsAsync(CancellationToken.None);
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = options.Server,
            CertificateAuthorityPem = options.CertificateAuthorityPem,
            BearerTokenSource = options.BearerTokenSource,
            MaxRetryAttempts = 0,
        });

        var refused = await Should.ThrowAsync<KubeApiException>(() => client.GetRawAsync(_namespaces, CancellationToken.None));
        await File.WriteAllTextAsync(Path.Combine(_dir, "token"), _simToken);
        File.SetLastWriteTimeUtc(Path.Combine(_dir, "token"), DateTime.UtcNow.AddSeconds(2));
        await client.GetRawAsync(_namespaces, CancellationToken.None);

        refused.StatusCode.ShouldBe(401);
    }

    [Theory]
    [InlineData(null, "443", "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")]
    [InlineData("10.96.0.1", null, "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")]
    [InlineData("10.96.0.1", "https", "KUBERNETES_SERVICE_PORT \"https\" is not a port number")]
    public async Task ToOptionsAsync_ServiceVariablesMissingOrInvalid_FailsNamingThem(string? host, string? port, string message)
    {
        await WriteServiceAccountAsync(_simToken);
        var config = Config(host, port);

        var e = await Should.ThrowAsync<FormatException>(() => config.ToOptionsAsync(CancellationToken.None));

        e.Message.ShouldContain(message);
    }

    [Fact]
    public async Task ToOptionsAsync_NoTokenFile_FailsNamingThePath()
    {
        var config = Config("10.96.0.1", "443");

        var e = await Should.ThrowAsync<FormatException>(() => config.ToOptionsAsync(CancellationToken.None));

        e.Message.ShouldContain(Path.Combine(_dir, "token"));
    }

    [Fact]
    public async Task ToOptionsAsync_Ipv6ServiceAddress_BracketsItInTheUrl()
    {
        await WriteServiceAccountAsync(_simToken);

        var options = await Config("fd00:10:96::1", "443").ToOptionsAsync(CancellationToken.None);

        options.Server.ShouldBe(new Uri("https://[fd00:10:96::1]:443"));
    }

    private InClusterConfig Config(string? host, string? port) => new()
    {
        Directory = _dir,
        Environment = name => name switch
        {
            InClusterConfig.ServiceHostVariable => host,
            InClusterConfig.ServicePortVariable => port,
            _ => null,
        },
    };

    private async Task WriteServiceAccountAsync(string token)
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "token"), token);
        await File.WriteAllTextAsync(Path.Combine(_dir, "ca.crt"), _cluster.CaCertificatePem);
        await File.WriteAllTextAsync(Path.Combine(_dir, "namespace"), "clusterpedia-system");
    }
}
