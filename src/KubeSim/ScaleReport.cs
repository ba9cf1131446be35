using System.Diagnostics;
using System.Globalization;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim;

/// <summary>
/// The <c>--report</c> mode: generates a workload, measures what holding it costs (time, RSS, managed heap, bytes per
/// object), then lists every pod over HTTP in one response while sampling RSS, to show the list streams instead of
/// being built in memory. Prints a Markdown table; figures, not assertions.
/// </summary>
internal static class ScaleReport
{
    public static async Task<int> RunAsync(SimulatorOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var baseline = Rss();
        var watch = Stopwatch.StartNew();
        await using var cluster = await SimulatedCluster.StartAsync(options, cancellationToken).ConfigureAwait(false);
        var generateSeconds = watch.Elapsed.TotalSeconds;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var rss = Rss();
        var objects = cluster.Store.CurrentResourceVersion;
        var pods = cluster.Store.Count(new GroupVersionResource(string.Empty, "v1", "pods"));

        using var http = new HttpClient { BaseAddress = cluster.Url, Timeout = TimeSpan.FromMinutes(10) };
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var peak = rss;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss());
                await Task.Delay(20, sampling.Token).ConfigureAwait(false);
            }
        }, sampling.Token);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        watch.Restart();
        using var response = await http.GetAsync(new Uri("/api/v1/pods", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var firstByte = watch.Elapsed;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[81920];
            long bytes = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                bytes += read;
            }

            var listSeconds = watch.Elapsed.TotalSeconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            await sampling.CancelAsync().ConfigureAwait(false);
            try
            {
                await sampler.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Sampling stopped.
            }

            var c = CultureInfo.InvariantCulture;
            await output.WriteLineAsync("| figure | value |").ConfigureAwait(false);
            await output.WriteLineAsync("|---|---|").ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| objects generated (resourceVersion) | {objects:N0} |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| pods | {pods:N0} |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| generation time | {generateSeconds:F1} s ({objects / generateSeconds:N0} objects/s) |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| RSS before generation | {Mib(baseline)} |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| RSS holding the objects (after full GC) | {Mib(rss)} |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| managed heap after full GC | {Mib(heap)} ({(double)heap / objects:N0} bytes/object) |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| list of all pods: response size | {Mib(bytes)} |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| list of all pods: first byte / whole list | {firstByte.TotalMilliseconds:N0} ms / {listSeconds:F2} s |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| list of all pods: allocated in the process (server and client) | {Mib(allocated)} |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| list of all pods: peak RSS during the list (sampled every 20 ms) | {Mib(peak)} (+{Mib(Math.Max(0, peak - rss))}) |")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(c, $"| process peak RSS (VmHWM) | {Mib(PeakRss())} |")).ConfigureAwait(false);
        }

        return 0;
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):N0} MiB");

    private static long Rss() => ReadStatus("VmRSS:") ?? Environment.WorkingSet;

    private static long PeakRss() => ReadStatus("VmHWM:") ?? 0;

    private static long? ReadStatus(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var kb = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // Not Linux.
        }

        return null;
    }
}
