using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.ClusterSynchro.Tests.Integration;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ClusterSynchro.Tests.Security;

/// <summary>
/// A PediaCluster's kubeconfig may read a file the operator listed in <c>Synchro:CredentialFiles</c>, such as a
/// projected ServiceAccount token of the member that the kubelet rotates: the synchro syncs with it, and after the
/// token is rotated (the old one refused by the member) it goes on with the new one without a restart.
/// </summary>
[Collection(SynchroCollection.Name)]
public sealed class CredentialFileRotationTests : IDisposable
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new("credential-files-");

    public void Dispose() => _dir.Delete();

    [Fact]
    public async Task TokenFile_ListedInCredentialFiles_SyncsAndFollowsTheRotatedToken()
    {
        await using var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "rotating", Token = "token-rotating-admin", Tls = true, Namespaces = 1 });
        using var admin = new Kubectl(sim, Kubectl.Newest);
        await admin.OkAsync("create", "serviceaccount", "syncer", "-n", "default");
        await admin.OkAsync("create", "clusterrolebinding", "syncer", "--clusterrole=cluster-admin", "--serviceaccount=default:syncer");
        var tokenFile = _dir.File("member-token");
        var first = (await admin.OkAsync("create", "token", "syncer", "-n", "default")).Trim();
        await File.WriteAllTextAsync(tokenFile, first);

        var options = SynchroHarness.FastOptions();
        options.CredentialFiles.Add(tokenFile);
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite, options);
        await harness.ApplyAsync("rotating", Spec(sim, tokenFile, [SimResources.Deployments]));
        await harness.WaitForConditionAsync("rotating", "Ready", "True", _timeout);

        // The token rotates and the old one stops working: the ServiceAccount is recreated (every token of the old one
        // is refused from then on), and the new token replaces the file the way the kubelet swaps it.
        await admin.OkAsync("delete", "serviceaccount", "syncer", "-n", "default");
        await admin.OkAsync("create", "serviceaccount", "syncer", "-n", "default");
        var rotated = (await admin.OkAsync("create", "token", "syncer", "-n", "default")).Trim();
        await File.WriteAllTextAsync(tokenFile + ".new", rotated);
        File.Move(tokenFile + ".new", tokenFile, overwrite: true);
        var old = await admin.RunAsync("--token", first, "get", "namespaces");
        old.ExitCode.ShouldNotBe(0, "the first token must no longer work");
        old.Stderr.ShouldContain("Unauthorized");

        // A resource added to the spec needs new lists from the member, which only the rotated token can make.
        await harness.ApplyAsync("rotating", Spec(sim, tokenFile, [SimResources.Deployments, SimResources.Namespaces]));
        await harness.WaitConsistentAsync("rotating", sim, [SimResources.Deployments, SimResources.Namespaces], _timeout);
        await harness.WaitForConditionAsync("rotating", "Ready", "True", _timeout);
    }

    [Fact]
    public async Task TokenFile_NotListed_RefusedNamingTheOption()
    {
        await using var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "unlisted", Token = "token-unlisted", Tls = true, Namespaces = 1 });
        var tokenFile = _dir.File("unlisted-token");
        await File.WriteAllTextAsync(tokenFile, sim.Token);
        var options = SynchroHarness.FastOptions();

        // A path that only looks like the listed one: "..' is resolved before comparing.
        options.CredentialFiles.Add(Path.Combine(_dir.Path, "listed", "..", "other-token"));
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Sqlite, options);
        await harness.ApplyAsync("unlisted", Spec(sim, tokenFile, [SimResources.Deployments]));
        await harness.WaitForConditionAsync("unlisted", "Validated", "False", _timeout);
        var validated = (await harness.ConditionAsync("unlisted", "Validated"))!.Value;
        validated.Message.ShouldContain("tokenFile: this kubeconfig may not read files of the server");
        validated.Message.ShouldContain("Synchro:CredentialFiles");
    }

    private static JsonObject Spec(SimulatedCluster sim, string tokenFile, IEnumerable<Kube.GroupVersionResource> resources)
    {
        var kubeconfig = $$"""
            apiVersion: v1
            kind: Config
            current-context: m
            clusters:
            - name: m
              cluster: {server: "{{sim.Url.ToString().TrimEnd('/')}}", certificate-authority-data: "{{Convert.ToBase64String(Encoding.UTF8.GetBytes(sim.CaCertificatePem!))}}"}
            contexts:
            - name: m
              context: {cluster: m, user: u}
            users:
            - name: u
              user: {tokenFile: "{{tokenFile}}"}
            """;
        return new JsonObject
        {
            ["kubeconfig"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(kubeconfig)),
            ["syncResources"] = SynchroHarness.SyncResources(resources),
        };
    }
}
