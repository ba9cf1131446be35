using System.Text;
using Clusterpedia.Ctl;

namespace Clusterpedia.ApiServer.Tests.Plugins;

/// <summary>Runs pediactl's command tree in-process with a kubeconfig, capturing what it prints and its exit code.</summary>
internal static class Pediactl
{
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string kubeconfig, params string[] args)
    {
        var stdout = new StringWriter(new StringBuilder());
        var stderr = new StringWriter(new StringBuilder());
        var code = await PediactlCommands.RunAsync(["--kubeconfig", kubeconfig, .. args], stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static async Task<string> OkAsync(string kubeconfig, params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(kubeconfig, args);
        code.ShouldBe(0, $"pediactl {string.Join(' ', args)} failed:\n{stderr}\n{stdout}");
        return stdout;
    }
}
