using System.Diagnostics;

namespace Clusterpedia.KubeSim.Tests;

/// <summary>Runs a real kubectl binary against a simulated cluster through a temporary kubeconfig.</summary>
internal sealed class Kubectl : IDisposable
{
    public const string Newest = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";
    public const string Oldest = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";

    private readonly string _directory;
    private readonly string _binary;

    public Kubectl(SimulatedCluster cluster, string binary)
    {
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"kubectl binary {binary} is missing; these tests need the Google Cloud SDK kubectl builds (see ENVIRONMENT.md)");
        }

        _binary = binary;
        _directory = Directory.CreateTempSubdirectory("kubesim-kubectl-").FullName;
        KubeconfigPath = Path.Combine(_directory, "kubeconfig");
        if (cluster.Options.Tls)
        {
            File.WriteAllText(KubeconfigPath, cluster.CreateKubeconfig());
            return;
        }

        var user = cluster.Token is null ? "{}" : $"{{token: {cluster.Token}}}";
        File.WriteAllText(KubeconfigPath, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sim
              cluster: {"{"}server: "{cluster.Url.ToString().TrimEnd('/')}"{"}"}
            users:
            - name: sim
              user: {user}
            contexts:
            - name: sim
              context: {"{"}cluster: sim, user: sim{"}"}
            current-context: sim
            """);
    }

    public string KubeconfigPath { get; }

    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts kubectl without waiting, for commands that run until killed (get -w).</summary>
    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(KubeconfigPath);
        start.ArgumentList.Add("--cache-dir");
        start.ArgumentList.Add(Path.Combine(_directory, "cache"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
