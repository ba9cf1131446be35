using System.Text.Json;
using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Config;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Kube.Tests.Config;

/// <summary>
/// kubeconfig users whose token changes: an exec credential plugin (a real shell script printing an ExecCredential)
/// and a rotated token file, against a real simulator that accepts only its own token.
/// </summary>
public sealed class ExecCredentialTests : IAsyncLifetime
{
    private const string _simToken = "sim-exec-token";
    private readonly string _dir = Directory.CreateTempSubdirectory("exec-credential-").FullName;
    private SimulatedCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Token = _simToken });

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ExecPlugin_TokenWithFutureExpiry_RunsOnceAndReachesTheCluster()
    {
        var script = Script("ok", $$$"""
            echo "$KUBERNETES_EXEC_INFO" > "{{{F("exec-info.json")}}}"
            echo "$PLUGIN_SETTING $1" > "{{{F("env.txt")}}}"
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{_simToken}}}","expirationTimestamp":"2099-01-01T00:00:00Z"}}'
            """);
        using var client = await ClientAsync(Exec(script, provideClusterInfo: true));

        await client.GetRawAsync("/api/v1/namespaces", CancellationToken.None);
        await client.GetRawAsync("/api/v1/namespaces", CancellationToken.None);

        Runs("ok").ShouldBe(1, "the token is cached until it expires");
        (await File.ReadAllTextAsync(F("env.txt"))).Trim().ShouldBe("from-kubeconfig first-arg");
        using var info = JsonDocument.Parse(await File.ReadAllTextAsync(F("exec-info.json")));
        info.RootElement.GetProperty("kind").GetString().ShouldBe("ExecCredential");
        info.RootElement.GetProperty("apiVersion").GetString().ShouldBe("client.authentication.k8s.io/v1");
        info.RootElement.GetProperty("spec").GetProperty("interactive").GetBoolean().ShouldBeFalse();
        info.RootElement.GetProperty("spec").GetProperty("cluster").GetProperty("server").GetString().ShouldBe(_cluster.Url.ToString().TrimEnd('/'));
    }

    [Fact]
    public async Task ExecPlugin_TokenAboutToExpire_RunsAgainForTheNextRequest()
    {
        var soon = DateTimeOffset.UtcNow.AddSeconds(5).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var script = Script("soon", $$$"""
            printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"{{{_simToken}}}","expirationTimestamp":"{{{soon}}}"}}'
            """);
        using var client = await ClientAsync(Exec(script, apiVersion: "client.authentication.k8s.io/v1beta1", interactiveMode: null));

        await client.GetRawAsync("/api/v1/namespaces", CancellationToken.None);
        await client.GetRawAsync("/api/v1/namespaces", CancellationToken.None);

        Runs("soon").ShouldBe(2);
    }

    [Fact]
    public async Task ExecPlugin_TokenRefusedWith401_RunsAgainAndRetries()
    {
        // The first run prints a token the cluster does not know (an expired one, say); later runs the right one.
        var script = Script("stale", $$$"""
            if [ "$(wc -l < "{{{F("stale.runs")}}}")" -le 1 ]; then t=stale-token; else t={{{_simToken}}}; fi
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$t"
            """);
        using var client = await ClientAsync(Exec(script));

        await client.GetRawAsync("/api/v1/namespaces", CancellationToken.None);

        Runs("stale").ShouldBe(2);
    }

    [Fact]
    public async Task ExecPlugin_Fails_ErrorSaysCodeButNotStderr()
    {
        var script = Script("fail", """
            echo "refresh token rt-very-secret rejected" >&2
            exit 3
            """);
        using var client = await ClientAsync(Exec(script));

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.GetRawAsync("/api/v1/namespaces", CancellationToken.None));

        e.Message.ShouldContain("exited with code 3");
        e.Message.ShouldNotContain("rt-very-secret");
    }

    [Fact]
    public async Task ExecPlugin_RunsTooLong_IsStoppedAtThePolicyTimeout()
    {
        var script = Script("slow", "sleep 30");
        var config = Kubeconfig.Parse(Exec(script), _dir);
        config.ExecPlugins = new ExecPluginPolicy { Allowed = true, Timeout = TimeSpan.FromSeconds(1) };
        using var client = new KubeClient(await config.ToOptionsAsync(null, CancellationToken.None));

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.GetRawAsync("/api/v1/namespaces", CancellationToken.None));

        e.Message.ShouldContain("did not finish within 1s");
    }

    [Fact]
    public async Task ExecPlugin_InKubeconfigText_RefusedUnlessAllowed()
    {
        var script = Script("never", "exit 0");
        var parsed = Kubeconfig.Parse(Exec(script));

        var refused = await Should.ThrowAsync<FormatException>(() => parsed.ToOptionsAsync(null, CancellationToken.None));
        refused.Message.ShouldContain("exec credential plugins are not allowed in this kubeconfig");

        parsed.ExecPlugins = new ExecPluginPolicy { Allowed = true, AllowedCommands = ["/usr/local/bin/aws"] };
        var notListed = await Should.ThrowAsync<FormatException>(() => parsed.ToOptionsAsync(null, CancellationToken.None));
        notListed.Message.ShouldContain("is not one of the allowed plugin commands");

        parsed.ExecPlugins = new ExecPluginPolicy { Allowed = true, AllowedCommands = [script] };
        (await parsed.ToOptionsAsync(null, CancellationToken.None)).BearerTokenSource.ShouldNotBeNull();
        Runs("never").ShouldBe(0, "nothing runs before a request needs the token");
    }

    [Fact]
    public async Task TokenFile_Rotated_NewTokenUsedWithoutRestart()
    {
        var tokenFile = F("token");
        await File.WriteAllTextAsync(tokenFile, "old-token\n");
        var yaml = KubeconfigYaml("{tokenFile: token}");
        await File.WriteAllTextAsync(F("kubeconfig"), yaml);
        var options = await (await Kubeconfig.LoadFileAsync(F("kubeconfig"), CancellationToken.None)).ToOptionsAsync(null, CancellationToken.None);
        using var client = new KubeClient(new KubeClientOptions { Server = options.Server, BearerTokenSource = options.BearerTokenSource, MaxRetryAttempts = 0 });

        var refused = await Should.ThrowAsync<KubeApiException>(() => client.GetRawAsync("/api/v1/namespaces", CancellationToken.None));
        refused.StatusCode.ShouldBe(401);

        await File.WriteAllTextAsync(tokenFile, _simToken + "\n");
        File.SetLastWriteTimeUtc(tokenFile, DateTime.UtcNow.AddSeconds(2));

        await client.GetRawAsync("/api/v1/namespaces", CancellationToken.None);
    }

    private async Task<KubeClient> ClientAsync(string kubeconfigYaml)
    {
        var path = F("kubeconfig");
        await File.WriteAllTextAsync(path, kubeconfigYaml);
        var options = await (await Kubeconfig.LoadFileAsync(path, CancellationToken.None)).ToOptionsAsync(null, CancellationToken.None);
        options.BearerTokenSource.ShouldNotBeNull();
        return new KubeClient(options);
    }

    private string F(string name) => Path.Combine(_dir, name);

    // A plugin script that counts its runs in <name>.runs, then runs the body.
    private string Script(string name, string body)
    {
        var path = F(name + ".sh");
        File.WriteAllText(path, $"#!/bin/sh\necho run >> \"{F(name + ".runs")}\"\n{body}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    private int Runs(string name) =>
        File.Exists(F(name + ".runs")) ? File.ReadAllLines(F(name + ".runs")).Length : 0;

    private string Exec(string command, bool provideClusterInfo = false, string apiVersion = "client.authentication.k8s.io/v1", string? interactiveMode = "Never") =>
        KubeconfigYaml("{exec: {apiVersion: " + apiVersion + ", command: \"" + command + "\", args: [first-arg], "
            + "env: [{name: PLUGIN_SETTING, value: from-kubeconfig}], provideClusterInfo: " + (provideClusterInfo ? "true" : "false")
            + (interactiveMode is null ? "" : ", interactiveMode: " + interactiveMode) + "}}");

    // The user is one YAML flow mapping, e.g. {tokenFile: token}.
    private string KubeconfigYaml(string user) => $$"""
        apiVersion: v1
        kind: Config
        current-context: sim
        clusters:
        - name: sim
          cluster: {server: "{{_cluster.Url.ToString().TrimEnd('/')}}"}
        contexts:
        - name: sim
          context: {cluster: sim, user: u}
        users:
        - name: u
          user: {{user}}
        """;
}
