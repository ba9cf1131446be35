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
        var (exitCode, stdout, stderr) = await BenchRun.RunAsync(TimeSpan.FromMinutes(3), "--clients", "--objects", "500", "--changes", "200");
        exitCode.ShouldBe(0, stderr + stdout);
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
