using System.Diagnostics;
using System.Globalization;

namespace Clusterpedia.Clients.Tests;

/// <summary>
/// The bench's <c>--clients</c> mode (bench/README.md) at a tiny size, so that it keeps running: each path (our raw
/// client, KubernetesClient generic and typed) in its own child process sees every pod and every change. Only
/// completeness is checked, never a timing.
/// </summary>
public sealed class ClientBenchSmokeTests
{
    [Fact]
    public async Task ClientsMode_TinyMember_EveryPathListsEveryPodAndSeesEveryChange()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Clusterpedia.Bench.dll"), "--clients", "--objects", "500", "--changes", "200" })
        {
            info.ArgumentList.Add(argument);
        }

        using var bench = Process.Start(info)!;
        var output = bench.StandardOutput.ReadToEndAsync();
        var errors = bench.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await bench.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!bench.HasExited)
            {
                bench.Kill(entireProcessTree: true);
            }
        }

        var stdout = await output;
        bench.ExitCode.ShouldBe(0, await errors + stdout);
        var rows = stdout.Split('\n').Where(line => line.StartsWith("| raw |", StringComparison.Ordinal)
            || line.StartsWith("| generic |", StringComparison.Ordinal) || line.StartsWith("| typed |", StringComparison.Ordinal)).ToList();
        rows.Count.ShouldBe(3, stdout);
        var listed = new HashSet<int>();
        foreach (var row in rows)
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            listed.Add(int.Parse(cells[2].Split(' ')[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
            cells[6].ShouldBe("200", row);
        }

        listed.Count.ShouldBe(1, "every path lists the same pods: " + stdout);
        listed.Single().ShouldBeGreaterThanOrEqualTo(500);
    }
}
