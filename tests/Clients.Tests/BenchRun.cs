using System.Diagnostics;

namespace Clusterpedia.Clients.Tests;

/// <summary>
/// The bench program as a child process: this project references bench/Clusterpedia.Bench, so its build sits next to
/// the tests. Each smoke test runs one mode at a tiny size through here.
/// </summary>
internal static class BenchRun
{
    /// <summary>
    /// Runs <c>dotnet Clusterpedia.Bench.dll</c> with <paramref name="arguments"/> and returns its exit code and output;
    /// past <paramref name="timeout"/> the whole process tree is killed and the wait's cancellation fails the test.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Clusterpedia.Bench.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var bench = Process.Start(info)!;
        var stdout = bench.StandardOutput.ReadToEndAsync();
        var stderr = bench.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await bench.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            if (!bench.HasExited)
            {
                bench.Kill(entireProcessTree: true);
            }
        }

        return (bench.ExitCode, await stdout, await stderr);
    }
}
