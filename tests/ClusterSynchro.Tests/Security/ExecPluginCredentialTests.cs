using System.Text;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.Kube.Client;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ClusterSynchro.Tests.Security;

/// <summary>
/// A PediaCluster whose spec.kubeconfig user is an exec credential plugin: refused unless the operator listed the
/// command in Synchro:ExecPluginCommands, and then the plugin's token reaches a real simulator.
/// </summary>
public sealed class ExecPluginCredentialTests : IAsyncLifetime
{
    private const string _token = "member-exec-token";
    private readonly TempDirectory _dir = new("exec-plugin-");
    private SimulatedCluster _member = null!;
    private string _script = null!;

    public async Task InitializeAsync()
    {
        _member = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Token = _token });
        _script = _dir.File("plugin.sh");
        await File.WriteAllTextAsync(_script, $$$"""
            #!/bin/sh
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{_token}}}"}}'
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
    }

    public async Task DisposeAsync()
    {
        await _member.DisposeAsync();
        _dir.Delete();
    }

    [Fact]
    public async Task CreateAsync_ExecPluginNotListed_RefusedNamingTheSetting()
    {
        var options = new SynchroOptions { AllowLoopbackTargets = true };

        var e = await Should.ThrowAsync<InvalidSpecException>(() =>
            ClusterConnection.CreateAsync(Spec(), new OutboundTargetPolicy(options), ClusterConnection.ExecPolicy(options), CancellationToken.None));

        e.Message.ShouldStartWith("spec.kubeconfig: user: exec credential plugins are not allowed");
        e.Message.ShouldContain("Synchro:ExecPluginCommands");
    }

    [Fact]
    public async Task CreateAsync_ExecPluginListed_TokenReachesTheMember()
    {
        var options = new SynchroOptions { AllowLoopbackTargets = true };
        options.ExecPluginCommands.Add(_script);

        var connection = await ClusterConnection.CreateAsync(Spec(), new OutboundTargetPolicy(options), ClusterConnection.ExecPolicy(options), CancellationToken.None);
        using var client = new KubeClient(connection);

        (await client.GetVersionAsync(CancellationToken.None)).ShouldNotBeNull();
        await client.GetRawAsync("/api/v1/namespaces", CancellationToken.None);
    }

    private PediaClusterSpec Spec()
    {
        var kubeconfig = $$$"""
            apiVersion: v1
            kind: Config
            current-context: m
            clusters:
            - name: m
              cluster: {server: "{{{_member.Url.ToString().TrimEnd('/')}}}"}
            contexts:
            - name: m
              context: {cluster: m, user: u}
            users:
            - name: u
              user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: "{{{_script}}}", interactiveMode: Never}}
            """;
        return new PediaClusterSpec { Name = "exec", Kubeconfig = Convert.ToBase64String(Encoding.UTF8.GetBytes(kubeconfig)) };
    }
}
