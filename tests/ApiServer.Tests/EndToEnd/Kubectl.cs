using System.Diagnostics;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>Runs a real kubectl binary against a kubeconfig and captures what it prints.</summary>
public sealed class Kubectl(string binary, string kubeconfig)
{
    public string Binary => binary;

    public const string Oldest = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";
    public const string Newest = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";

    /// <summary>
    /// The kubectl binaries the end-to-end tests run: the oldest and newest real ones, and the dispatcher. The pinned
    /// ones are always listed; a missing one fails its test run (see <see cref="RunAsync"/>) instead of vanishing.
    /// </summary>
    public static IEnumerable<string> Binaries() => [Oldest, Newest, "kubectl"];

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        if (Path.IsPathRooted(binary) && !File.Exists(binary))
        {
            throw new InvalidOperationException($"kubectl binary {binary} is missing; these tests need the Google Cloud SDK kubectl builds (see ENVIRONMENT.md)");
        }

        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(kubeconfig);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["KUBECACHEDIR"] = Path.Combine(Path.GetDirectoryName(kubeconfig)!, "cache-" + Path.GetFileName(binary));
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {binary}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs kubectl and fails the test with kubectl's own error output if it exits non-zero.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        code.ShouldBe(0, $"{binary} {string.Join(' ', args)} failed:\n{stderr}\n{stdout}");
        return stdout;
    }
}
