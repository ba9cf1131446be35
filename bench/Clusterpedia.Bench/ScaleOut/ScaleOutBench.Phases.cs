using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Bench.Server;
using Clusterpedia.Kube;

namespace Clusterpedia.Bench.ScaleOut;

internal static partial class ScaleOutBench
{
    private static readonly GroupVersionResource _pods = new("", "v1", "pods");

    /// <summary>
    /// Waits until both replicas hold leases, kills <paramref name="victim"/> (SIGKILL: no release), changes pods of its
    /// clusters in the members, and measures until the survivor holds every lease and the stored set equals the members'.
    /// </summary>
    private static async Task TakeoverAsync(RunContext context, string connectionString, ServerProcess victim, CancellationToken cancellationToken)
    {
        var lease = TimeSpan.FromSeconds(context.Options.LeaseSeconds);
        var takeover = new TakeoverResult { Killed = "synchro-2", BoundSeconds = Math.Round(lease.TotalSeconds * 4 / 3, 2) };
        context.Result.Takeover = takeover;

        // After the sync the first replica may still hold more than its share; balance moves one lease per tick.
        var balance = Stopwatch.StartNew();
        Dictionary<string, (string Holder, bool Live)> leases;
        while (true)
        {
            leases = await StoredSet.LeasesAsync(connectionString, cancellationToken);
            var holders = leases.Values.Where(l => l.Live).GroupBy(l => l.Holder).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            if (holders.Count == 2 && leases.Count == context.Members.Count && leases.Values.All(l => l.Live))
            {
                context.Result.LeasesAfterSync = holders;
                break;
            }

            var patience = TimeSpan.FromSeconds(Math.Max(60, lease.TotalSeconds * 6));
            if (balance.Elapsed > patience)
            {
                context.Result.Failures.Add($"takeover: the two synchro replicas did not share the clusters within {patience.TotalSeconds:N0} s: {string.Join(", ", leases.Select(l => $"{l.Key}={l.Value.Holder}{(l.Value.Live ? "" : " (expired)")}"))}");
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        takeover.KilledClusters = [.. leases.Where(l => l.Value.Holder == takeover.Killed).Select(l => l.Key).Order(StringComparer.Ordinal)];
        Console.Error.WriteLine($"  leases: {string.Join(", ", context.Result.LeasesAfterSync.Select(h => $"{h.Key} holds {h.Value}"))}; killing {takeover.Killed} (SIGKILL), which holds {string.Join(", ", takeover.KilledClusters)}");
        await StopAsync(context, victim);
        var clock = Stopwatch.StartNew();

        // Changes while nobody syncs those clusters: the survivor's catch-up must bring them in.
        var perCluster = Math.Max(5, context.Options.Pods * context.Options.Deployments / 2);
        foreach (var member in context.Members.Where(m => takeover.KilledClusters.Contains(m.Cluster.Options.ClusterName)))
        {
            foreach (var pod in member.Cluster.Store.List(_pods).Take(perCluster))
            {
                var metadata = pod["metadata"]!;
                member.Cluster.Store.Update(_pods, metadata["namespace"]!.GetValue<string>(), metadata["name"]!.GetValue<string>(), p =>
                {
                    var m = p["metadata"]!.AsObject();
                    if (m["annotations"] is not JsonObject annotations)
                    {
                        m["annotations"] = annotations = [];
                    }

                    annotations["bench.clusterpedia.io/takeover"] = "changed-after-kill";
                    return p;
                });
                takeover.ChangesWhileUnheld++;
            }
        }

        var expected = StoredSet.Members(context.Members);
        takeover.MemberObjects = expected.Count;
        var deadline = lease * 4 / 3 + TimeSpan.FromSeconds(Math.Max(120, expected.Count / 200.0));
        (long Missing, long Extra, long Duplicates, long Stored) compared = default;
        while (clock.Elapsed < deadline)
        {
            if (takeover.HeldBySurvivorSeconds == 0)
            {
                leases = await StoredSet.LeasesAsync(connectionString, cancellationToken);
                if (leases.Count == context.Members.Count && leases.Values.All(l => l.Live && l.Holder == "synchro-1"))
                {
                    takeover.HeldBySurvivorSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
                }
            }

            compared = await StoredSet.CompareAsync(connectionString, expected, cancellationToken);
            if (takeover.HeldBySurvivorSeconds > 0 && compared.Missing == 0 && compared.Extra == 0)
            {
                takeover.CaughtUpSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
                break;
            }

            await Task.Delay(200, cancellationToken);
        }

        (takeover.Missing, takeover.Extra, takeover.Duplicates, takeover.StoredObjects) = compared;
        takeover.StoredSetEqualsMembers = compared.Missing == 0 && compared.Extra == 0 && compared.Duplicates == 0 && compared.Stored == expected.Count;
        Console.Error.WriteLine($"  takeover: held by synchro-1 after {takeover.HeldBySurvivorSeconds:N2} s (bound {takeover.BoundSeconds:N2} s), caught up after {takeover.CaughtUpSeconds:N2} s; stored {compared.Stored:N0}, members {expected.Count:N0}, missing {compared.Missing}, extra {compared.Extra}, duplicate uids {compared.Duplicates}");
        if (!takeover.StoredSetEqualsMembers || takeover.CaughtUpSeconds == 0)
        {
            context.Result.Failures.Add($"takeover: after {clock.Elapsed.TotalSeconds:N0} s the survivor {(takeover.HeldBySurvivorSeconds > 0 ? "holds" : "does not hold")} every lease and the stored set differs from the members': {compared.Missing} missing, {compared.Extra} extra or stale, {compared.Duplicates} duplicate uids, {compared.Stored} stored of {expected.Count}");
        }
    }

    /// <summary>Search throughput at concurrency 16 and 64 through one, then two API replicas (round robin).</summary>
    private static async Task SearchAsync(RunContext context, ServerProcess api1, ServerProcess api2, string suffix, CancellationToken cancellationToken)
    {
        using var first = Client(api1);
        using var second = Client(api2);
        var ns = context.Members[0].Cluster.Store.List(_pods)[0]["metadata"]!["namespace"]!.GetValue<string>();
        var queries = SearchLoad.Queries(ns, context.Members[0].Cluster.Options.ClusterName);

        // Both replicas answer the same objects (and warm up).
        foreach (var query in queries)
        {
            var one = await NamesAsync(first, query, cancellationToken);
            var other = await NamesAsync(second, query, cancellationToken);
            if (one.Count == 0 || !one.SequenceEqual(other))
            {
                context.Result.Failures.Add($"search: {query} answers {one.Count} objects through api-1 and {other.Count} through api-2, or not the same");
                return;
            }
        }

        foreach (var replicas in suffix.Length == 0 ? new[] { new[] { first }, [first, second] } : [[first, second]])
        {
            foreach (var concurrency in new[] { 16, 64 })
            {
                await SearchLoad.RunAsync(replicas, queries, concurrency, Math.Min(1, context.Options.SearchSeconds / 4), cancellationToken);
                var load = await SearchLoad.RunAsync(replicas, queries, concurrency, context.Options.SearchSeconds, cancellationToken);
                load.Configuration += suffix;
                load.ReadsFromStandby = suffix.Length > 0;
                if (load.ReadsFromStandby)
                {
                    (load.StandbyReads, load.PrimaryFallbacks) = await StandbyReadsAsync(replicas, cancellationToken);
                }

                context.Result.Search.Add(load);
                Console.Error.WriteLine($"  search, {load.Configuration}: {load.RequestsPerSecond:N0} requests/s, p50 {load.P50Ms:N1} ms, p99 {load.P99Ms:N1} ms, {load.Errors} errors{(load.ReadsFromStandby ? $"; so far {load.StandbyReads:N0} reads from the standby, {load.PrimaryFallbacks:N0} fell back to the primary" : "")}");
                if (load.Errors > 0 || load.Requests == 0)
                {
                    context.Result.Failures.Add($"search, {load.Configuration}: {load.Errors} errors of {load.Requests + load.Errors} requests");
                }
            }
        }
    }

    /// <summary>Reads served by a standby and reads that fell back to the primary, summed over the replicas' /metrics.</summary>
    private static async Task<(long StandbyReads, long Fallbacks)> StandbyReadsAsync(IEnumerable<HttpClient> replicas, CancellationToken cancellationToken)
    {
        long reads = 0, fallbacks = 0;
        foreach (var replica in replicas)
        {
            var metrics = await replica.GetStringAsync("/metrics", cancellationToken);
            foreach (var line in metrics.Split('\n'))
            {
                var parts = line.Split(' ');
                if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    reads += parts[0].StartsWith("clusterpedia_storage_read_replica_reads", StringComparison.Ordinal) ? value : 0;
                    fallbacks += parts[0].StartsWith("clusterpedia_storage_read_replica_fallbacks", StringComparison.Ordinal) ? value : 0;
                }
            }
        }

        return (reads, fallbacks);
    }

    private static HttpClient Client(ServerProcess server) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = server.Address,
            Timeout = TimeSpan.FromMinutes(1),
        };

    private static async Task<List<string>> NamesAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("metadata").GetProperty("uid").GetString() ?? "")];
    }

    private static string Render(ScaleOutResult result)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"scale-out: {result.Members} members, {result.MemberObjects:N0} objects; {result.ProcessorCount} cores; load average {result.LoadAverageAtStart} at start, {result.LoadAverageAtEnd} at end");
        text.AppendLine("| sync (PediaClusters created → every member object searchable) | seconds | objects/s |");
        text.AppendLine("|---|---|---|");
        foreach (var (label, seconds) in result.SyncSeconds)
        {
            text.AppendLine(invariant, $"| {label} | {seconds:N2} | {result.MemberObjects / seconds:N0} |");
        }

        if (result.Takeover is { } t)
        {
            text.AppendLine("| takeover (SIGKILL of one of two synchro replicas) | value |");
            text.AppendLine("|---|---|");
            text.AppendLine(invariant, $"| killed | {t.Killed}, holding {string.Join(", ", t.KilledClusters)} |");
            text.AppendLine(invariant, $"| pods changed in its clusters after the kill | {t.ChangesWhileUnheld} |");
            text.AppendLine(invariant, $"| every lease held by the survivor after | {t.HeldBySurvivorSeconds:N2} s (bound {t.BoundSeconds:N2} s, leases of {result.LeaseSeconds} s) |");
            text.AppendLine(invariant, $"| stored set equal to the members' after | {t.CaughtUpSeconds:N2} s |");
            text.AppendLine(invariant, $"| stored set equals members' (uid, resourceVersion) | {(t.StoredSetEqualsMembers ? "yes" : "NO")}: {t.StoredObjects:N0} stored, {t.MemberObjects:N0} in members, {t.Missing} missing, {t.Extra} extra, {t.Duplicates} duplicate uids |");
        }

        if (result.Search.Count > 0)
        {
            text.AppendLine("| search | requests | errors | requests/s | p50 ms | p99 ms |");
            text.AppendLine("|---|---|---|---|---|---|");
            foreach (var s in result.Search)
            {
                text.AppendLine(invariant, $"| {s.Configuration}{(s.ReadsFromStandby ? $" ({s.StandbyReads:N0} standby reads, {s.PrimaryFallbacks:N0} primary fallbacks so far)" : "")} | {s.Requests:N0} | {s.Errors} | {s.RequestsPerSecond:N0} | {s.P50Ms:N1} | {s.P99Ms:N1} |");
            }
        }

        return text.ToString().TrimEnd();
    }
}
