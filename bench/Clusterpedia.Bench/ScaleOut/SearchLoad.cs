using System.Diagnostics;
using System.Globalization;
using Clusterpedia.Bench.Measurement;

namespace Clusterpedia.Bench.ScaleOut;

/// <summary>
/// Closed-loop search load: <c>concurrency</c> clients, each sending the next request of a small query mix as soon as
/// the previous answered, spread round robin over the API replicas, for a fixed time. Non-2xx answers count as errors.
/// </summary>
internal static class SearchLoad
{
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources";

    /// <summary>The query mix: a cross-cluster page of deployments, one namespace's pods, one cluster's services.</summary>
    public static string[] Queries(string ns, string cluster) =>
    [
        _search + "/apis/apps/v1/deployments?limit=50",
        _search + $"/api/v1/namespaces/{ns}/pods?limit=100",
        _search + $"/clusters/{cluster}/api/v1/services?limit=50",
    ];

    public static async Task<SearchLoadResult> RunAsync(
        IReadOnlyList<HttpClient> replicas, string[] queries, int concurrency, double seconds, CancellationToken cancellationToken)
    {
        var next = -1L;
        long errors = 0;
        var latencies = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        var clients = Enumerable.Range(0, concurrency).Select(async c =>
        {
            var mine = latencies[c] = [];
            while (clock.Elapsed < end && !cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                var replica = replicas[(int)(n % replicas.Count)];
                var query = queries[(int)(n / replicas.Count % queries.Length)];
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await replica.GetAsync(query, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                        continue;
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                    continue;
                }

                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }).ToArray();
        await Task.WhenAll(clients);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = new Percentiles(latencies.SelectMany(l => l));
        return new SearchLoadResult
        {
            Configuration = string.Create(CultureInfo.InvariantCulture, $"{replicas.Count} API replica{(replicas.Count > 1 ? "s" : "")}, concurrency {concurrency}"),
            Replicas = replicas.Count,
            Concurrency = concurrency,
            Requests = all.Count,
            Errors = errors,
            Seconds = Math.Round(elapsed, 2),
            RequestsPerSecond = Math.Round(all.Count / elapsed, 1),
            P50Ms = Math.Round(all.At(50), 2),
            P99Ms = Math.Round(all.At(99), 2),
        };
    }
}
