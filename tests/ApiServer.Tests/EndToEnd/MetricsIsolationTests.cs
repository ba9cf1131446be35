using System.Globalization;
using System.Text.RegularExpressions;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>
/// Two servers in one process (as in these tests) keep their own series: a meter listener sees every meter of the
/// process by name, so without scoping one server's /metrics would merge the other's instruments and lose them when
/// the other server stops.
/// </summary>
public sealed partial class MetricsIsolationTests
{
    [Fact]
    public async Task Metrics_SecondServerInProcessServesAndStops_FirstServerCountsOnlyItsOwnRequests()
    {
        var dirA = new TempDirectory("clusterpedia-metrics-a-");
        var dirB = new TempDirectory("clusterpedia-metrics-b-");
        try
        {
            await using var a = await InProcessServer.StartAsync(dirA.Path);
            using var http = new HttpClient();
            var before = await GetRequestCountAsync(http, a.Url);
            await using (var b = await InProcessServer.StartAsync(dirB.Path))
            {
                for (var i = 0; i < 5; i++)
                {
                    (await http.GetAsync(new Uri(b.Url, "/version"))).EnsureSuccessStatusCode();
                }

                for (var i = 0; i < 3; i++)
                {
                    (await http.GetAsync(new Uri(a.Url, "/version"))).EnsureSuccessStatusCode();
                }
            }

            // The first scrape counts itself once it has answered; then our three requests; none of B's five.
            (await GetRequestCountAsync(http, a.Url)).ShouldBe(before + 1 + 3);
        }
        finally
        {
            dirA.Delete();
            dirB.Delete();
        }
    }

    [Fact]
    public async Task Metrics_RuntimeMeter_GcPauseAndCpuTimeServed()
    {
        // What an operator reads a latency spike against: the process's GC collections and pause time, and its CPU.
        var dir = new TempDirectory("clusterpedia-metrics-runtime-");
        try
        {
            await using var server = await InProcessServer.StartAsync(dir.Path);
            using var http = new HttpClient();
            (await http.GetAsync(new Uri(server.Url, "/version"))).EnsureSuccessStatusCode();
            GC.Collect();
            var text = await http.GetStringAsync(new Uri(server.Url, "/metrics"));

            text.ShouldMatch(@"(?m)^dotnet_gc_pause_time_seconds_total\{[^}]*\} [0-9]");
            text.ShouldMatch(@"(?m)^dotnet_gc_collections_total\{[^}]*gc_heap_generation=""gen2""[^}]*\} [1-9]");
            text.ShouldMatch(@"(?m)^dotnet_process_cpu_time_seconds_total\{[^}]*\} [0-9]");
            text.ShouldContain("clusterpedia_apiserver_requests_total");
        }
        finally
        {
            dir.Delete();
        }
    }

    private static async Task<double> GetRequestCountAsync(HttpClient http, Uri server)
    {
        var text = await http.GetStringAsync(new Uri(server, "/metrics"));
        var match = RequestsTotal().Match(text);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"clusterpedia_apiserver_requests_total\{[^}]*code=""200"",verb=""GET""\} (\d+)")]
    private static partial Regex RequestsTotal();
}
