using System.Text;
using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Config;

namespace Clusterpedia.Kube.Tests.Config;

public sealed class KubeconfigTests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public async Task ToOptionsAsync_CurrentContext_ResolvesClusterAndUser()
    {
        var yaml = $$"""
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: c1
              cluster:
                server: https://10.0.0.1:6443/prefix
                certificate-authority-data: {{B64("CA-PEM")}}
                tls-server-name: kubernetes.default
            - name: c2
              cluster:
                server: http://127.0.0.1:8080
                insecure-skip-tls-verify: true
            users:
            - name: u1
              user:
                token: abc
            - name: u2
              user:
                client-certificate-data: {{B64("CERT")}}
                client-key-data: {{B64("KEY")}}
            contexts:
            - name: dev
              context: {cluster: c1, user: u1, namespace: ns}
            - name: ops
              context: {cluster: c2, user: u2}
            """;
        var config = Kubeconfig.Parse(yaml);

        var dev = await config.ToOptionsAsync(null, CancellationToken.None);
        dev.Server.ShouldBe(new Uri("https://10.0.0.1:6443/prefix"));
        dev.CertificateAuthorityPem.ShouldBe("CA-PEM");
        dev.TlsServerName.ShouldBe("kubernetes.default");
        dev.BearerToken.ShouldBe("abc");
        dev.InsecureSkipTlsVerify.ShouldBeFalse();

        var ops = await config.ToOptionsAsync("ops", CancellationToken.None);
        ops.InsecureSkipTlsVerify.ShouldBeTrue();
        ops.ClientCertificatePem.ShouldBe("CERT");
        ops.ClientKeyPem.ShouldBe("KEY");
        ops.BearerToken.ShouldBeNull();
        config.ContextNames.ShouldBe(["dev", "ops"], ignoreOrder: true);
    }

    [Fact]
    public async Task LoadFileAsync_RelativeFiles_AreReadFromTheKubeconfigDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("kubeconfig-test");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "ca.crt"), "CA-FILE");
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "token"), "tok-from-file\n");
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "client.crt"), "CERT-FILE");
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "client.key"), "KEY-FILE");
            var path = Path.Combine(dir.FullName, "config");
            await File.WriteAllTextAsync(path, """
                current-context: x
                clusters:
                - name: c
                  cluster: {server: "https://k:6443", certificate-authority: ca.crt}
                users:
                - name: u
                  user: {tokenFile: token, client-certificate: client.crt, client-key: client.key}
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                """);

            var options = await (await Kubeconfig.LoadFileAsync(path, CancellationToken.None)).ToOptionsAsync(null, CancellationToken.None);

            options.CertificateAuthorityPem.ShouldBe("CA-FILE");
            options.BearerToken.ShouldBeNull("a token file is read again when it rotates, through the token source");
            (await options.BearerTokenSource!.GetTokenAsync(CancellationToken.None)).ShouldBe("tok-from-file");
            options.ClientCertificatePem.ShouldBe("CERT-FILE");
            options.ClientKeyPem.ShouldBe("KEY-FILE");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("clusters: []\ncontexts: []\n", "kubeconfig has no current-context and no context was given")]
    [InlineData("current-context: a\ncontexts: []\n", "context \"a\" not found in kubeconfig")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\n", "cluster \"c\" not found in kubeconfig")]
    [InlineData("current-context: a\nclusters:\n- name: c\n  cluster: {}\ncontexts:\n- name: a\n  context: {cluster: c}\n", "cluster \"c\" has no valid server URL")]
    public async Task ToOptionsAsync_Incomplete_FailsWithReason(string yaml, string message)
    {
        var e = await Should.ThrowAsync<FormatException>(() => Kubeconfig.Parse(yaml).ToOptionsAsync(null, CancellationToken.None));
        e.Message.ShouldBe(message);
    }

    [Fact]
    public void FromPediaCluster_NoCa_SkipsVerification()
    {
        var options = KubeClientOptions.FromPediaCluster("https://1.2.3.4:6443", null, B64("tok\n"), null, null);

        options.InsecureSkipTlsVerify.ShouldBeTrue();
        options.BearerToken.ShouldBe("tok");

        var withCa = KubeClientOptions.FromPediaCluster("https://1.2.3.4:6443", B64("CA"), null, B64("C"), B64("K"));
        withCa.InsecureSkipTlsVerify.ShouldBeFalse();
        withCa.CertificateAuthorityPem.ShouldBe("CA");
        (withCa.ClientCertificatePem, withCa.ClientKeyPem).ShouldBe(("C", "K"));
        Should.Throw<FormatException>(() => KubeClientOptions.FromPediaCluster("https://x", "not base64!", null, null, null));
    }
}
