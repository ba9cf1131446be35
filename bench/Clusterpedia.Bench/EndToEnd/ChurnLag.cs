using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Clusterpedia.Bench.Measurement;
using Clusterpedia.Bench.Results;
using Clusterpedia.Kube;

namespace Clusterpedia.Bench.EndToEnd;

/// <summary>
/// S4: a steady rate of pod writes spread round-robin over every pod of every member (written straight into the
/// simulators' stores, as a kubelet or controller would write to etcd through the apiserver), each stamping a sequence
/// number into an annotation. A watch on our search API (started before the first write, from the list's
/// resourceVersion) records when each sequence becomes visible. A later write of the same pod that arrives first also
/// makes the earlier one visible (that is what a reader of the search sees). Every write must become visible, or the
/// run fails.
/// </summary>
internal static class ChurnLag
{
    public const string Annotation = "bench.clusterpedia.io/seq";
    private const string _pods = "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods";
    private static readonly GroupVersionResource _podResource = new("", "v1", "pods");
    /// <summary>
    /// A server slower than the writer (5,000 writes/s is issue 18's rate) is still working through a backlog when the
    /// writes stop. The drain waits while the watch keeps delivering, and gives up only after this long without a new
    /// write seen (or at <see cref="_drainCap"/>): a slow server then shows as a missed lag target, and only a watch
    /// that stopped delivering with writes missing fails the run. (On 2026-12-05 PostgreSQL was 107 s behind at the
    /// end of 30 s of 5,000 writes/s and delivered every write; a drain of a second per 2,000 writes had called that loss.)
    /// </summary>
    private static readonly TimeSpan _drainStall = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan _drainCap = TimeSpan.FromMinutes(10);

    public static async Task<ChurnResult> RunAsync(
        HttpClient us, IReadOnlyList<MemberClient> members, int perSecond, double seconds, List<string> failures, CancellationToken cancellationToken)
    {
        var result = new ChurnResult { RequestedPerSecond = perSecond };

        // Values unique to this run: writing a value a pod already holds (from an earlier engine's run) is a no-op
        // for the member, which then sends no event.
        var runId = Guid.NewGuid().ToString("N")[..8];
        var targets = members.Select(m => m.Cluster.Store.List(_podResource)
            .Select(p => (Namespace: p["metadata"]!["namespace"]!.GetValue<string>(), Name: p["metadata"]!["name"]!.GetValue<string>()))
            .ToArray()).ToArray();
        if (targets.Any(t => t.Length == 0))
        {
            failures.Add("S4: a member has no pods to write");
            return result;
        }

        Console.Error.WriteLine($"  S4: {perSecond:N0} pod writes/s for {seconds:N0} s over {targets.Sum(t => t.Length):N0} pods of {members.Count} members; lag until our watch shows each");
        var gate = new Lock();
        var writeTicks = new List<long>(perSecond * (int)Math.Ceiling(seconds) + 16);
        var writeTarget = new List<int>(writeTicks.Capacity);
        var pendingByTarget = new Dictionary<int, Queue<int>>();
        var lags = new List<double>(writeTicks.Capacity);
        var lagSeconds = new List<int>(writeTicks.Capacity);
        long events = 0;
        string? watchError = null;

        // Where to start the watch: the resourceVersion of a list before any write.
        using var list = await us.GetAsync(_pods + "?limit=1", cancellationToken);
        list.EnsureSuccessStatusCode();
        string resourceVersion;
        using (var document = await JsonDocument.ParseAsync(await list.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken))
        {
            resourceVersion = document.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
        }

        using var stopWatch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Console.Error.WriteLine($"  S4: watching {_pods} from resourceVersion {resourceVersion}");

        // The watch starts from the list's resourceVersion, so no write made after the list is missed however late the
        // request lands. Its headers are not awaited before writing: the server sends them with the first event.
        using var watchClient = new HttpClient { BaseAddress = us.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var watcher = Task.Run(async () =>
        {
            try
            {
                using var watchResponse = await watchClient.GetAsync(
                    $"{_pods}?watch=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}&timeoutSeconds=3600",
                    HttpCompletionOption.ResponseHeadersRead, stopWatch.Token);
                watchResponse.EnsureSuccessStatusCode();
                await ChurnWatchReader.ReadAsync(await watchResponse.Content.ReadAsStreamAsync(stopWatch.Token), runId, (seq, arrival) =>
                {
                    lock (gate)
                    {
                        events++;
                        if (seq >= writeTarget.Count || !pendingByTarget.TryGetValue(writeTarget[seq], out var pending))
                        {
                            return;
                        }

                        // This write, and any earlier write of the same pod still waiting, are now visible.
                        while (pending.Count > 0 && pending.Peek() <= seq)
                        {
                            var visible = pending.Dequeue();
                            lags.Add(Stopwatch.GetElapsedTime(writeTicks[visible], arrival).TotalMilliseconds);
                            lagSeconds.Add((int)Stopwatch.GetElapsedTime(writeTicks[0], writeTicks[visible]).TotalSeconds);
                        }
                    }
                }, stopWatch.Token);
            }
            catch (OperationCanceledException)
            {
                // the run is over
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
            {
                lock (gate)
                {
                    watchError = e.GetType().Name + ": " + e.Message;
                }
            }
        }, CancellationToken.None);

        var gcBefore = await ServerGc.ReadAsync(us, cancellationToken);
        var ownGcBefore = ServerGc.OfThisProcess();
        var pauseBySecond = new List<double>();
        var pauseAtSecond = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        result.StartTimestamp = Stopwatch.GetTimestamp();
        var duration = TimeSpan.FromSeconds(seconds);
        var written = 0;
        var perCluster = targets.Length;
        while (clock.Elapsed < duration)
        {
            var due = (int)(clock.Elapsed.TotalSeconds * perSecond);
            for (; written < due; written++)
            {
                var cluster = written % perCluster;
                var pods = targets[cluster];
                var index = written / perCluster % pods.Length;
                var target = cluster * 1_000_000 + index;
                var seq = written;
                lock (gate)
                {
                    writeTarget.Add(target);
                    writeTicks.Add(Stopwatch.GetTimestamp());
                    if (!pendingByTarget.TryGetValue(target, out var pending))
                    {
                        pendingByTarget[target] = pending = new Queue<int>();
                    }

                    pending.Enqueue(seq);
                }

                members[cluster].Cluster.Store.UpdateResourceVersion(_podResource, pods[index].Namespace, pods[index].Name, pod =>
                {
                    var metadata = pod["metadata"]!.AsObject();
                    if (metadata["annotations"] is not System.Text.Json.Nodes.JsonObject annotations)
                    {
                        metadata["annotations"] = annotations = [];
                    }

                    annotations[Annotation] = Stamp(runId, seq);
                    return pod;
                });
            }

            if ((int)clock.Elapsed.TotalSeconds > pauseBySecond.Count)
            {
                var pause = GC.GetTotalPauseDuration();
                pauseBySecond.Add(Math.Round((pause - pauseAtSecond).TotalMilliseconds, 1));
                pauseAtSecond = pause;
            }

            await Task.Delay(2, cancellationToken);
        }

        result.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
        result.Writes = written;
        result.AchievedPerSecond = Math.Round(written / clock.Elapsed.TotalSeconds);

        var drain = Stopwatch.StartNew();
        var lastProgress = drain.Elapsed;
        var seen = -1;
        while (drain.Elapsed - lastProgress < _drainStall && drain.Elapsed < _drainCap)
        {
            lock (gate)
            {
                if (lags.Count >= written)
                {
                    break;
                }

                if (lags.Count != seen)
                {
                    seen = lags.Count;
                    lastProgress = drain.Elapsed;
                }
            }

            await Task.Delay(50, cancellationToken);
        }

        var stalled = drain.Elapsed - lastProgress >= _drainStall;
        var gcAfter = await ServerGc.ReadAsync(us, cancellationToken);
        var ownGcAfter = ServerGc.OfThisProcess();

        // The members and the watcher live in this process: its pauses delay both the writes' stamps and the events' arrival.
        result.BenchGcPauseMs = Math.Round((ownGcAfter.PauseSeconds - ownGcBefore.PauseSeconds) * 1000, 1);
        result.BenchGcCollections = [.. ownGcAfter.Collections.Zip(ownGcBefore.Collections, (a, b) => a - b)];
        result.BenchGcPauseBySecondMs = pauseBySecond;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  S4: the bench process's GC (members, watcher) in the same span: {string.Join(" / ", result.BenchGcCollections)} collections, {result.BenchGcPauseMs:N0} ms paused"));
        if (gcBefore is not null && gcAfter is not null)
        {
            result.ServerGcPauseMs = Math.Round((gcAfter.PauseSeconds - gcBefore.PauseSeconds) * 1000, 1);
            result.ServerGcCollections = [.. gcAfter.Collections.Zip(gcBefore.Collections, (a, b) => a - b)];
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  S4: our server's GC from the first write to the drain: {string.Join(" / ", result.ServerGcCollections)} collections (gen0 / gen1 / gen2), {result.ServerGcPauseMs:N0} ms paused"));
        }

        await stopWatch.CancelAsync();
        await watcher;
        lock (gate)
        {
            result.Visible = lags.Count;
            result.WatchEvents = events;
            var percentiles = new Percentiles(lags);
            result.LagP50Ms = Math.Round(percentiles.At(50), 1);
            result.LagP95Ms = Math.Round(percentiles.At(95), 1);
            result.LagP99Ms = Math.Round(percentiles.At(99), 1);
            result.LagMaxMs = Math.Round(percentiles.Max, 1);

            // When in the run the lag grew: a steady backlog and a stall of a few seconds give the same p99.
            result.LagP99BySecondMs = [.. lags.Zip(lagSeconds).GroupBy(l => l.Second).OrderBy(g => g.Key)
                .Select(g => Math.Round(new Percentiles(g.Select(l => l.First)).At(99), 1))];
        }

        if (watchError is not null)
        {
            failures.Add("S4: the watch on our API failed: " + watchError);
        }

        if (result.Visible < result.Writes)
        {
            // Tell a lost watch event from a write that never reached the store: read a few of the missing pods by name.
            var missing = new List<int>();
            lock (gate)
            {
                missing.AddRange(pendingByTarget.Values.Where(q => q.Count > 0).Select(q => q.Last()).Take(5));
            }

            var inStore = 0;
            foreach (var seq in missing)
            {
                var cluster = writeTarget[seq] / 1_000_000;
                var (ns, name) = targets[cluster][writeTarget[seq] % 1_000_000];
                using var response = await us.GetAsync(
                    $"/apis/clusterpedia.io/v1beta1/resources/clusters/{members[cluster].Cluster.Options.ClusterName}/api/v1/namespaces/{ns}/pods/{name}", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    using var pod = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
                    inStore += pod.RootElement.GetProperty("metadata").TryGetProperty("annotations", out var annotations)
                        && annotations.TryGetProperty(Annotation, out var value) && value.GetString() == Stamp(runId, seq) ? 1 : 0;
                }
            }

            failures.Add($"S4: {result.Writes - result.Visible} of {result.Writes} member writes not visible through our watch {drain.Elapsed.TotalSeconds:N0} s after the last " +
                (stalled
                    ? $"(no new write seen for {_drainStall.TotalSeconds:N0} s; {inStore} of {missing.Count} sampled missing writes are in the store when read by name, so the watch lost their events)"
                    : $"(still delivering when the {_drainCap.TotalMinutes:N0}-minute cap ended the drain; {inStore} of {missing.Count} sampled missing writes are in the store)"));
        }

        Console.Error.WriteLine("  S4: lag p99 by second of writing, ms: " + string.Join(' ', result.LagP99BySecondMs.Select(l => l.ToString("0", CultureInfo.InvariantCulture))));
        Console.Error.WriteLine($"  S4: {result.Writes:N0} writes at {result.AchievedPerSecond:N0}/s, {result.Visible:N0} visible; lag p50 {result.LagP50Ms:N0} ms, p95 {result.LagP95Ms:N0} ms, p99 {result.LagP99Ms:N0} ms, max {result.LagMaxMs:N0} ms");
        return result;
    }

    private static string Stamp(string runId, int seq) => runId + "-" + seq.ToString(CultureInfo.InvariantCulture);
}
