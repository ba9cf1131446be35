using System.Text;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Synchro;

namespace Clusterpedia.ClusterSynchro.Tests.Security;

/// <summary>
/// A PediaCluster's spec.kubeconfig comes from an API user: a file path in it (tokenFile, certificate-authority,
/// client-certificate, client-key) would send a file of the server, such as its own ServiceAccount token, as a
/// credential to a server that user chose. Every such reference is refused naming the field and the inline form.
/// </summary>
public sealed class KubeconfigFileReferenceTests : IDisposable
{
    private readonly TempDirectory _dir = new("kubeconfig-files-");

    public void Dispose() => _dir.Delete();

    [Theory]
    [InlineData("cluster", "certificate-authority", "certificate-authority-data")]
    [InlineData("user", "tokenFile", "token")]
    [InlineData("user", "client-certificate", "client-certificate-data")]
    [InlineData("user", "client-key", "client-key-data")]
    public async Task CreateAsync_KubeconfigNamesAServerFile_RefusedNamingTheFieldAndTheInlineForm(string entry, string field, string inline)
    {
        var secret = _dir.File("server-secret");
        await File.WriteAllTextAsync(secret, "the server's own credential");
        var cluster = entry == "cluster" ? $"{field}: \"{secret}\"" : "insecure-skip-tls-verify: true";
        var user = entry == "user" ? $"{field}: \"{secret}\"" : "token: t";
        var kubeconfig = $$"""
            apiVersion: v1
            kind: Config
            current-context: m
            clusters:
            - name: m
              cluster: {server: "https://198.51.100.7:6443", {{cluster}}}
            contexts:
            - name: m
              context: {cluster: m, user: u}
            users:
            - name: u
              user: {{{user}}}
            """;
        var spec = new PediaClusterSpec { Name = "files", Kubeconfig = Convert.ToBase64String(Encoding.UTF8.GetBytes(kubeconfig)) };
        var options = new SynchroOptions();

        var e = await Should.ThrowAsync<InvalidSpecException>(() =>
            ClusterConnection.CreateAsync(spec, new OutboundTargetPolicy(options), ClusterConnection.ExecPolicy(options), CancellationToken.None));

        e.Message.ShouldContain($"spec.kubeconfig: {(entry == "user" && field == "tokenFile" ? "user: " : "")}{field}: this kubeconfig may not read files of the server");
        e.Message.ShouldContain(inline);
        e.Message.ShouldNotContain("the server's own credential");
    }
}
