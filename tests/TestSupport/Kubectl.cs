using System.Diagnostics;
using Clusterpedia.KubeSim;

namespace Clusterpedia.TestSupport;

/// <summary>
/// Runs a real kubectl binary against a kubeconfig and captures what it prints. The pinned binaries of the Google
/// Cloud SDK are the oldest and newest kubectl the tests speak to; a missing one fails the test that names it, with its
/// path, instead of the test quietly running something else.
/// </summary>
public sealed class Kubectl : IDisposable
{
    public const string Oldest = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";
    public const string Newest = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";

    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);

    // A directory this runner created for a simulator's kubeconfig, removed on Dispose; null for a caller's kubeconfig.
    private readonly string? _ownDirectory;

    /// <summary>A runner for an existing kubeconfig; <paramref name="binary"/> is a path or a name on PATH.</summary>
    public Kubectl(string binary, string kubeconfig)
    {
        if (Path.IsPathRooted(binary) && !File.Exists(binary))
        {
            throw new InvalidOperationException($"kubectl binary {binary} is missing; these tests need the Google Cloud SDK kubectl builds (see ENVIRONMENT.md)");
        }

        Binary = binary;
        KubeconfigPath = kubeconfig;
    }

    /// <summary>A runner for a simulated cluster, through a kubeconfig written into a temporary directory.</summary>
    public Kubectl(SimulatedCluster cluster, string binary)
        : this(binary, WriteKubeconfig(cluster, out var directory))
    {
        _ownDirectory = directory;
    }

    public string Binary { get; }

    public string KubeconfigPath { get; }

    /// <summary>
    /// The kubectl binaries end-to-end tests run: the oldest and newest real ones, and the dispatcher. The pinned ones
    /// are always listed; a missing one fails its test run instead of vanishing from the list.
    /// </summary>
    public static IEnumerable<string> Binaries() => [Oldest, Newest, "kubectl"];

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(_timeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs kubectl and fails the test with kubectl's own error output if it exits non-zero.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        code.ShouldBe(0, $"{Binary} {string.Join(' ', args)} failed:\n{stderr}\n{stdout}");
        return stdout;
    }

    /// <summary>Starts kubectl without waiting, for commands that run until killed (get -w).</summary>
    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(KubeconfigPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A discovery cache per binary beside the kubeconfig: versions do not share it, and ~/.kube is left alone.
        start.Environment["KUBECACHEDIR"] = Path.Combine(Path.GetDirectoryName(KubeconfigPath)!, "cache-" + Path.GetFileName(Binary));
        return Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Binary}");
    }

    public void Dispose()
    {
        if (_ownDirectory is not null)
        {
            Directory.Delete(_ownDirectory, recursive: true);
        }
    }

    private static string WriteKubeconfig(SimulatedCluster cluster, out string directory)
    {
        directory = Directory.CreateTempSubdirectory("kubesim-kubectl-").FullName;
        var path = Path.Combine(directory, "kubeconfig");
        if (cluster.Options.Tls)
        {
            File.WriteAllText(path, cluster.CreateKubeconfig());
            return path;
        }

        var user = cluster.Token is null ? "{}" : $"{{token: {cluster.Token}}}";
        File.WriteAllText(path, $"""
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
        return path;
    }
}
