using System.Text;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Synchro;

namespace Clusterpedia.ClusterSynchro.Tests.Security;

/// <summary>
/// A PediaCluster's spec.kubeconfig names more targets than its server: an oidc user's issuer and a cluster's
/// proxy-url. Both pass the outbound target policy as the server does, refused naming the field and the setting.
/// </summary>
public sealed class KubeconfigOutboundPolicyTests
{
    [Fact]
    public async Task CreateAsync_OidcIssuerOnLoopback_RefusedNamingTheField()
    {
        var user = "{auth-provider: {name: oidc, config: {idp-issuer-url: \"https://127.0.0.1:5556/dex\", client-id: c, id-token: t, refresh-token: r}}}";

        var e = await Should.ThrowAsync<InvalidSpecException>(() => CreateAsync(Kubeconfig("", user)));

        e.Message.ShouldContain("spec.kubeconfig: auth-provider oidc idp-issuer-url: the target 127.0.0.1 (127.0.0.1) is a loopback address");
    }

    [Fact]
    public async Task CreateAsync_ProxyOnLinkLocal_RefusedNamingTheField()
    {
        var e = await Should.ThrowAsync<InvalidSpecException>(() => CreateAsync(Kubeconfig(", proxy-url: \"http://169.254.169.254:3128\"", "{token: t}")));

        e.Message.ShouldContain("spec.kubeconfig: proxy-url: the target 169.254.169.254 (169.254.169.254) is a link-local address");
    }

    [Fact]
    public async Task CreateAsync_AllowedProxy_ConnectionsGoToTheProxy()
    {
        var options = new SynchroOptions { AllowedTargets = { "198.51.100.0/24" } };

        var client = await CreateAsync(Kubeconfig(", proxy-url: \"socks5://198.51.100.9:1080\"", "{token: t}"), options);

        client.ProxyUrl.ShouldBe(new Uri("socks5://198.51.100.9:1080"));
        client.AllowAddress!(System.Net.IPAddress.Parse("198.51.100.9")).ShouldBeTrue();
        client.AllowAddress(System.Net.IPAddress.Parse("203.0.113.1")).ShouldBeFalse();
    }

    [Fact]
    public async Task CreateAsync_OidcIssuerCaFromAFile_RefusedAsAServerFile()
    {
        var user = "{auth-provider: {name: oidc, config: {idp-issuer-url: \"https://198.51.100.8/\", client-id: c, id-token: t, idp-certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}}}";

        var e = await Should.ThrowAsync<InvalidSpecException>(() => CreateAsync(Kubeconfig("", user)));

        e.Message.ShouldContain("idp-certificate-authority: this kubeconfig may not read files of the server");
    }

    private static Task<Kube.Client.KubeClientOptions> CreateAsync(string kubeconfig, SynchroOptions? options = null)
    {
        options ??= new SynchroOptions();
        var spec = new PediaClusterSpec { Name = "targets", Kubeconfig = Convert.ToBase64String(Encoding.UTF8.GetBytes(kubeconfig)) };
        return ClusterConnection.CreateAsync(spec, new OutboundTargetPolicy(options), ClusterConnection.ExecPolicy(options), CancellationToken.None);
    }

    private static string Kubeconfig(string clusterExtra, string user) => $$"""
        apiVersion: v1
        kind: Config
        current-context: m
        clusters:
        - name: m
          cluster: {server: "https://198.51.100.7:6443", insecure-skip-tls-verify: true{{clusterExtra}}}
        contexts:
        - name: m
          context: {cluster: m, user: u}
        users:
        - name: u
          user: {{user}}
        """;
}
