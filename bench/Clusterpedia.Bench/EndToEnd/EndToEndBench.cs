using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer;
using Clusterpedia.Bench.Measurement;
using Clusterpedia.Bench.Postgres;
using Clusterpedia.Bench.Results;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.Bench.EndToEnd;

/// <summary>
/// Issue 8's S1 and S3 through the real server hosted in-process: C simulated members (HTTPS, tokens), PediaClusters
/// created over our HTTP API, time until every cluster is Ready and every member object is searchable; then
/// "deployments of namespace X across clusters" listed from each member and merged, against one request to us.
/// </summary>
internal static class EndToEndBench
{
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources";
    private const string _pediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    private static readonly TimeSpan _syncDeadline = TimeSpan.FromMinutes(5);

    private static readonly string[] _syncedLists =
    [
        "/apis/apps/v1/deployments", "/apis/apps/v1/replicasets", "/api/v1/pods", "/api/v1/services", "/api/v1/configmaps",
    ];

    public static async Task<EndToEndRun> RunAsync(string engine, BenchOptions options, CancellationToken cancellationToken)
    {
        var run = new EndToEndRun
        {
            Engine = engine,
            Clusters = options.EndToEndClusters,
            NamespacesPerCluster = options.EndToEndNamespaces,
            DeploymentsPerNamespace = options.EndToEndDeployments,
            PodsPerDeployment = options.EndToEndPods,
        };
        Console.Error.WriteLine($"==> end to end on {engine}: {run.Clusters} simulated clusters × {run.NamespacesPerCluster} namespaces × {run.DeploymentsPerNamespace} deployments × {run.PodsPerDeployment} pods");
        var clock = Stopwatch.StartNew();
        var members = new List<MemberClient>();
        var directory = Directory.CreateTempSubdirectory("clusterpedia-bench-e2e-").FullName;
        PrivatePostgres? postgres = null;
        WebApplication? server = null;
        try
        {
            for (var i = 0; i < run.Clusters; i++)
            {
                var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions
                {
                    ClusterName = "member-" + (i + 1).ToString(CultureInfo.InvariantCulture),
                    Tls = true,
                    Token = "bench-token-" + (i + 1).ToString(CultureInfo.InvariantCulture),
                    Seed = i + 1,
                    Namespaces = run.NamespacesPerCluster,
                    DeploymentsPerNamespace = run.DeploymentsPerNamespace,
                    PodsPerDeployment = run.PodsPerDeployment,
                    Nodes = 10,
                }, cancellationToken);
                members.Add(new MemberClient(cluster));
            }

            string connectionString;
            if (engine == Storage.StorageOptions.Postgres)
            {
                postgres = await PrivatePostgres.StartAsync(["shared_buffers=1GB", "max_connections=100"], cancellationToken);
                connectionString = postgres.ConnectionString("postgres");
            }
            else
            {
                connectionString = "Data Source=" + Path.Combine(directory, "clusterpedia.db");
            }

            server = ServerApp.Create(
            [
                "--urls", "http://127.0.0.1:0",
                "--Storage:Engine", engine,
                "--Storage:ConnectionString", connectionString,
                "--Logging:LogLevel:Default", "Warning",
            ]);
            await server.StartAsync(cancellationToken);
            var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var us = new HttpClient { BaseAddress = new Uri(address) };

            foreach (var member in members)
            {
                foreach (var list in _syncedLists)
                {
                    run.MemberObjects += (await CountAsync(member.Http, list, cancellationToken)).Count;
                }
            }

            await SyncAsync(us, members, run, cancellationToken);
            if (run.Failures.Count == 0)
            {
                await MergeAgainstUsAsync(us, members, run, options, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Failures.Add(e.GetType().Name + ": " + e.Message);
            Console.Error.WriteLine($"  end-to-end run failed: {e}");
        }
        finally
        {
            if (server is not null)
            {
                await server.StopAsync(CancellationToken.None);
                await server.DisposeAsync();
            }

            foreach (var member in members)
            {
                await member.Cluster.DisposeAsync();
                member.Dispose();
            }

            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
            run.TotalSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
        }

        return run;
    }

    /// <summary>S1: create the PediaClusters, wait until all are Ready and our counts equal the members'.</summary>
    private static async Task SyncAsync(HttpClient us, List<MemberClient> members, EndToEndRun run, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        foreach (var member in members)
        {
            var spec = new JsonObject
            {
                ["apiVersion"] = "cluster.clusterpedia.io/v1alpha2",
                ["kind"] = "PediaCluster",
                ["metadata"] = new JsonObject { ["name"] = member.Cluster.Options.ClusterName },
                ["spec"] = new JsonObject
                {
                    ["apiserver"] = member.Cluster.Url.ToString().TrimEnd('/'),
                    ["caData"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(member.Cluster.CaCertificatePem!)),
                    ["tokenData"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(member.Cluster.Token!)),
                    ["syncResources"] = new JsonArray
                    {
                        new JsonObject { ["group"] = "apps", ["resources"] = new JsonArray("deployments", "replicasets") },
                        new JsonObject { ["group"] = "", ["resources"] = new JsonArray("pods", "services", "configmaps") },
                    },
                },
            };
            using var response = await us.PostAsJsonAsync(_pediaClusters, spec, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                run.Failures.Add($"creating PediaCluster {member.Cluster.Options.ClusterName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                return;
            }
        }

        while (true)
        {
            var ready = 0;
            foreach (var member in members)
            {
                ready += await IsReadyAsync(us, member.Cluster.Options.ClusterName, cancellationToken) ? 1 : 0;
            }

            if (ready == members.Count)
            {
                long synced = 0;
                foreach (var list in _syncedLists)
                {
                    synced += (await CountAsync(us, _search + list + "?limit=1&withRemainingCount=true", cancellationToken)).Total;
                }

                run.SyncedObjects = synced;
                if (synced >= run.MemberObjects)
                {
                    break;
                }
            }

            if (clock.Elapsed > _syncDeadline)
            {
                run.Failures.Add($"S1: after {_syncDeadline.TotalMinutes} minutes {ready}/{members.Count} clusters Ready, {run.SyncedObjects} of {run.MemberObjects} objects searchable");
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        run.SyncSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
        run.SyncObjectsPerSecond = Math.Round(run.SyncedObjects / clock.Elapsed.TotalSeconds);
        run.ProcessPeakRssBytes = PeakRssBytes();
        Console.Error.WriteLine($"  S1: {run.SyncedObjects:N0} objects of {members.Count} clusters searchable in {run.SyncSeconds:N1} s ({run.SyncObjectsPerSecond:N0}/s)");
    }

    /// <summary>S3: each member listed directly and merged, against one request to us; interleaved, same load.</summary>
    private static async Task MergeAgainstUsAsync(
        HttpClient us, List<MemberClient> members, EndToEndRun run, BenchOptions options, CancellationToken cancellationToken)
    {
        var ns = await FirstApplicationNamespaceAsync(members[0].Http, cancellationToken);
        var memberPath = $"/apis/apps/v1/namespaces/{ns}/deployments";
        var direct = new List<double>();
        var ours = new List<double>();
        int directCount = 0, ourCount = 0;
        var repetitions = Math.Min(options.Repetitions, 100);
        for (var i = -options.Warmup; i < repetitions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var lists = await Task.WhenAll(members.Select(async m =>
                (Cluster: m.Cluster.Options.ClusterName, Items: await ItemNamesAsync(m.Http, memberPath, cancellationToken))));
            directCount = lists.SelectMany(l => l.Items.Select(name => (l.Cluster, name))).Order().Count();
            var directMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            start = Stopwatch.GetTimestamp();
            ourCount = (await ItemNamesAsync(us, _search + memberPath, cancellationToken)).Count;
            var ourMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= 0)
            {
                direct.Add(directMs);
                ours.Add(ourMs);
            }
        }

        if (directCount == 0 || directCount != ourCount)
        {
            run.Failures.Add($"S3: members list {directCount} deployments in {ns}, we list {ourCount}");
            return;
        }

        var resource = new GroupVersionResource("apps", "v1", "deployments");
        run.DirectMerge = QueryResult.FromLatencies(
            new QueryScenario("s3-direct-merge", $"GET {memberPath} on each of {members.Count} members in parallel, parsed and merged ({directCount} items)",
                resource, _ => []), options.Warmup, new Percentiles(direct), directCount);
        run.OneRequestToUs = QueryResult.FromLatencies(
            new QueryScenario("s3-one-request", $"GET {_search}{memberPath} on our server ({ourCount} items)", resource, _ => []),
            options.Warmup, new Percentiles(ours), ourCount);
        run.UsOverDirectP50 = Math.Round(run.OneRequestToUs.P50Ms / run.DirectMerge.P50Ms, 2);
        Console.Error.WriteLine($"  S3: direct+merge p50 {run.DirectMerge.P50Ms:N2} ms, us p50 {run.OneRequestToUs.P50Ms:N2} ms (ratio {run.UsOverDirectP50:N2})");
    }

    private static async Task<bool> IsReadyAsync(HttpClient us, string name, CancellationToken cancellationToken)
    {
        using var response = await us.GetAsync($"{_pediaClusters}/{name}", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.TryGetProperty("status", out var status)
            && status.TryGetProperty("conditions", out var conditions)
            && conditions.EnumerateArray().Any(c =>
                c.TryGetProperty("type", out var type) && type.GetString() == "Ready"
                && c.TryGetProperty("status", out var value) && value.GetString() == "True");
    }

    private static async Task<(int Count, long Total)> CountAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var count = document.RootElement.GetProperty("items").GetArrayLength();
        var remaining = document.RootElement.TryGetProperty("metadata", out var metadata)
            && metadata.TryGetProperty("remainingItemCount", out var value) ? value.GetInt64() : 0;
        return (count, count + remaining);
    }

    private static async Task<List<string>> ItemNamesAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return [.. document.RootElement.GetProperty("items").EnumerateArray()
            .Select(item => item.GetProperty("metadata").GetProperty("name").GetString() ?? "")];
    }

    private static async Task<string> FirstApplicationNamespaceAsync(HttpClient member, CancellationToken cancellationToken)
    {
        var names = await ItemNamesAsync(member, "/api/v1/namespaces", cancellationToken);
        return names.FirstOrDefault(n => n is not ("default" or "kube-system" or "kube-public" or "kube-node-lease"))
            ?? throw new InvalidOperationException("the simulated cluster has no application namespace");
    }

    private static long PeakRssBytes()
    {
        foreach (var line in File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status") : [])
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)
                && long.TryParse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture, out var kib))
            {
                return kib * 1024;
            }
        }

        return 0;
    }
}
