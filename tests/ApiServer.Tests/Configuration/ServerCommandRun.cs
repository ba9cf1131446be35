using System.Diagnostics;

namespace Clusterpedia.ApiServer.Tests.Configuration;

/// <summary>
/// One run of the real server program (the built Clusterpedia.ApiServer.dll next to the tests) with an environment and
/// flags of the test's, to the end: its exit code and what it printed. The environment is the test process's without
/// any configuration variable of ours, so a developer's shell cannot leak into the result.
/// </summary>
internal sealed record ServerCommandRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<ServerCommandRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Clusterpedia.ApiServer.dll");
        File.Exists(dll).ShouldBeTrue($"{dll} is missing; build tests/ApiServer.Tests first");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var name in psi.Environment.Keys.ToList())
        {
            if (name.Equals("CLUSTERPEDIA_CONFIG", StringComparison.OrdinalIgnoreCase) || name.Contains("__", StringComparison.Ordinal))
            {
                psi.Environment.Remove(name);
            }
        }

        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the server did not exit within 90s: {await stderr}");
        }

        return new ServerCommandRun(process.ExitCode, await stdout, await stderr);
    }

    public static Task<ServerCommandRun> PrintConfigAsync(string? clusterpediaConfig = null, params string[] args) =>
        RunAsync(clusterpediaConfig is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["CLUSTERPEDIA_CONFIG"] = clusterpediaConfig }, ["--print-config", .. args]);

    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
