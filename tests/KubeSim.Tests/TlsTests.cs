using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Clusterpedia.KubeSim.Tests;

public sealed class TlsTests
{
    [Fact]
    public async Task Kubectl_TlsWithToken_ListsDeployments()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Tls = true, Token = "tls-token", Namespaces = 1 });
        using var kubectl = new Kubectl(cluster, Kubectl.Newest);

        var (exit, output, error) = await kubectl.RunAsync("get", "deploy", "-n", "kube-system");

        cluster.Url.Scheme.ShouldBe("https");
        exit.ShouldBe(0, error);
        output.ShouldContain("coredns");
    }

    [Fact]
    public async Task Kubectl_TlsWithClientCertificate_Authenticated()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Tls = true, Namespaces = 1 });
        using var kubectl = new Kubectl(cluster, Kubectl.Oldest);

        var (exit, output, error) = await kubectl.RunAsync("get", "ns");

        exit.ShouldBe(0, error);
        output.ShouldContain("kube-system");
    }

    [Fact]
    public async Task HttpClient_ClientCertificateFromCa_AuthorizedElseUnauthorized()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Tls = true, Namespaces = 0 });
        using var ca = X509Certificate2.CreateFromPem(cluster.CaCertificatePem);
        // RBAC is on with TLS: alice needs a group the default bindings authorize (cluster-admin for system:masters).
        var (certificatePem, keyPem) = cluster.IssueClientCertificate("alice", "devs", "system:masters");
        using var pemCertificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        using var client = X509CertificateLoader.LoadPkcs12(pemCertificate.Export(X509ContentType.Pkcs12), null);

        bool TrustCa(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? c, System.Net.Security.SslPolicyErrors e)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate!);
        }

        using var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = TrustCa }) { BaseAddress = cluster.Url };
        using var denied = await anonymous.GetAsync("/api/v1/namespaces");
        denied.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var withClientCertificate = new HttpClientHandler { ServerCertificateCustomValidationCallback = TrustCa };
        withClientCertificate.ClientCertificates.Add(client);
        using var withCertificate = new HttpClient(withClientCertificate) { BaseAddress = cluster.Url };
        using var allowed = await withCertificate.GetAsync("/api/v1/namespaces");
        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
