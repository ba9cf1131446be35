using System.Diagnostics;

namespace Clusterpedia.ApiServer.Tests.Demo;

/// <summary>Runs a hack/ script of the repository as a user would, with its working files in a directory of the test's.</summary>
internal static class HackScript
{
    public static string Root { get; } = FindRoot();

    /// <summary>Runs <paramref name="script"/> with CLUSTERPEDIA_LOCAL_DIR=<paramref name="localDir"/>; its exit code and output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string script, string localDir, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Root, script)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Root,
        };
        start.Environment["CLUSTERPEDIA_LOCAL_DIR"] = localDir;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {timeout}:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clusterpedia.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
