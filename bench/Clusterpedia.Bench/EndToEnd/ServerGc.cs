using System.Globalization;
using System.Text.RegularExpressions;

namespace Clusterpedia.Bench.EndToEnd;

/// <summary>
/// The server's GC counters from its /metrics (the runtime's meter): collections by generation and the total pause
/// time, read before and after S4 to tell a lag spike caused by a GC pause from one caused by the write path.
/// </summary>
internal sealed partial record ServerGc(double PauseSeconds, long[] Collections)
{
    /// <summary>The counters now, or null when the server does not serve them (an older build).</summary>
    public static async Task<ServerGc?> ReadAsync(HttpClient server, CancellationToken cancellationToken)
    {
        using var response = await server.GetAsync("/metrics", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var pause = PauseTime().Match(text);
        if (!pause.Success)
        {
            return null;
        }

        var collections = new long[3];
        foreach (Match match in CollectionCounts().Matches(text))
        {
            collections[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        return new ServerGc(double.Parse(pause.Groups[1].Value, CultureInfo.InvariantCulture), collections);
    }

    /// <summary>The same counters of this process (the bench: the simulated members and the watchers).</summary>
    public static ServerGc OfThisProcess() =>
        new(GC.GetTotalPauseDuration().TotalSeconds, [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)]);

    [GeneratedRegex(@"(?m)^dotnet_gc_pause_time_seconds_total\{[^}]*\} ([0-9.eE+-]+)")]
    private static partial Regex PauseTime();

    [GeneratedRegex(@"(?m)^dotnet_gc_collections_total\{[^}]*gc_heap_generation=""gen([0-2])""[^}]*\} ([0-9]+)")]
    private static partial Regex CollectionCounts();
}
