using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Bench.MariaDb;
using Clusterpedia.Bench.Measurement;
using Clusterpedia.Bench.Postgres;
using Clusterpedia.Bench.Results;
using Clusterpedia.Bench.Server;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;
using Clusterpedia.TestSupport.MariaDb;
using Npgsql;

namespace Clusterpedia.Bench.EndToEnd;

/// <summary>
/// Issue 8's S1, S3, S4 and S5 through the real server, run as a child process (so its RSS is its own) on each engine:
/// C simulated members (in this process; HTTPS, tokens), PediaClusters created over our HTTP API, time until every
/// cluster is Ready and every member object is searchable (S1); RSS and disk per object (S5); "deployments of
/// namespace X across clusters" listed from each member and merged, against one request to us (S3); steady member
/// writes and their lag until our watch shows them (S4).
/// </summary>
internal static class EndToEndBench
{
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources";
    private const string _pediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    private static readonly TimeSpan _minimumSyncDeadline = TimeSpan.FromMinutes(5);

    private static readonly GroupVersionResource[] _synced =
    [
        new("apps", "v1", "deployments"), new("apps", "v1", "replicasets"), new("", "v1", "pods"), new("", "v1", "services"),
        new("", "v1", "configmaps"),
    ];

    /// <summary>Starts the simulated members once and runs every scenario on each engine in turn.</summary>
    public static async Task<List<EndToEndRun>> RunAllAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var runs = new List<EndToEndRun>();
        Console.Error.WriteLine($"==> end to end: {options.EndToEndClusters} simulated clusters × {options.EndToEndNamespaces} namespaces × {options.EndToEndDeployments} deployments × {options.EndToEndPods} pods");
        var members = new List<MemberClient>();
        try
        {
            var generate = Stopwatch.StartNew();
            for (var i = 0; i < options.EndToEndClusters; i++)
            {
                var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions
                {
                    ClusterName = "member-" + (i + 1).ToString(CultureInfo.InvariantCulture),
                    Tls = true,
                    Token = "bench-token-" + (i + 1).ToString(CultureInfo.InvariantCulture),
                    Seed = i + 1,
                    Namespaces = options.EndToEndNamespaces,
                    DeploymentsPerNamespace = options.EndToEndDeployments,
                    PodsPerDeployment = options.EndToEndPods,
                    Nodes = 10,
                }, cancellationToken);
                members.Add(new MemberClient(cluster));
            }

            long memberObjects = 0;
            double rawBytes = 0;
            foreach (var member in members)
            {
                foreach (var resource in _synced)
                {
                    var count = member.Cluster.Store.Count(resource);
                    memberObjects += count;
                    rawBytes += count * await AverageJsonBytesAsync(member.Http, resource, cancellationToken);
                }
            }

            var generationSeconds = Math.Round(generate.Elapsed.TotalSeconds, 1);
            Console.Error.WriteLine($"  members: {memberObjects:N0} objects of the synced resources, {rawBytes / memberObjects:N0} bytes of JSON each on average (generated in {generate.Elapsed.TotalSeconds:N1} s)");
            foreach (var engine in options.EndToEndEngines)
            {
                var run = new EndToEndRun
                {
                    Engine = engine,
                    Clusters = options.EndToEndClusters,
                    NamespacesPerCluster = options.EndToEndNamespaces,
                    DeploymentsPerNamespace = options.EndToEndDeployments,
                    PodsPerDeployment = options.EndToEndPods,
                    MemberObjects = memberObjects,
                    RawJsonBytesPerObject = Math.Round(rawBytes / Math.Max(1, memberObjects)),
                    MembersGenerationSeconds = runs.Count == 0 ? generationSeconds : 0,
                };
                runs.Add(run);
                await RunEngineAsync(run, members, options, cancellationToken);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var run = runs.LastOrDefault() ?? new EndToEndRun { Engine = "members" };
            if (runs.Count == 0)
            {
                runs.Add(run);
            }

            run.Failures.Add(e.GetType().Name + ": " + e.Message);
            Console.Error.WriteLine($"  end-to-end run failed: {e}");
        }
        finally
        {
            foreach (var member in members)
            {
                await member.Cluster.DisposeAsync();
                member.Dispose();
            }
        }

        return runs;
    }

    private static async Task RunEngineAsync(EndToEndRun run, List<MemberClient> members, BenchOptions options, CancellationToken cancellationToken)
    {
        var engine = run.Engine;
        Console.Error.WriteLine($"==> end to end on {engine}: server in a child process, {members.Count} members, {run.MemberObjects:N0} objects");
        var clock = Stopwatch.StartNew();
        var directory = Directory.CreateTempSubdirectory("clusterpedia-bench-e2e-").FullName;
        PrivatePostgres? postgres = null;
        MariaDbServer? mariaDb = null;
        ServerProcess? server = null;
        try
        {
            string connectionString;
            if (engine == Storage.StorageOptions.Postgres)
            {
                postgres = await PrivatePostgres.StartAsync(
                    ["shared_buffers=1GB", "max_connections=100", "shared_preload_libraries=pg_stat_statements", .. options.PostgresSettings], keptRoot: null, cancellationToken);
                connectionString = postgres.ConnectionString("postgres");
            }
            else if (engine == Storage.StorageOptions.MySql)
            {
                mariaDb = await MariaDbServer.StartAsync(MariaDbBench.WithSettings(MariaDbBench.EndToEndSettings, options.MySqlSettings), cancellationToken);
                connectionString = await MariaDbBench.CreateStorageDatabaseAsync(mariaDb);
            }
            else
            {
                connectionString = "Data Source=" + Path.Combine(directory, "clusterpedia.db");
            }

            server = await ServerProcess.StartAsync(engine, connectionString, Path.Combine(directory, "server.log"), cancellationToken, environment: options.ServerEnvironment);
            using var us = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };

            // S5's baseline: the server with an empty database after it has answered a few requests.
            for (var i = 0; i < 5; i++)
            {
                (await us.GetAsync(_pediaClusters, cancellationToken)).Dispose();
                (await us.GetAsync(_search + "/api/v1/pods?limit=10", cancellationToken)).Dispose();
            }

            await Task.Delay(1000, cancellationToken);
            run.EmptyServerRssBytes = server.RssBytes();

            var syncCpu = CpuMeter.Start(server.Pid);
            await SyncAsync(us, members, run, cancellationToken);
            run.SyncCpu = syncCpu?.Stop(run.SyncedObjects);
            run.ServerPeakRssBytes = server.PeakRssBytes();
            if (run.SyncCpu is { } cpu)
            {
                Console.Error.WriteLine($"  S1 CPU: {cpu}");
            }

            if (run.Failures.Count > 0)
            {
                return;
            }

            // S5: let the sync's garbage settle, then RSS and disk per object.
            await Task.Delay(3000, cancellationToken);
            run.ServerRssAfterSyncBytes = server.RssBytes();
            run.RssBytesPerObject = Math.Round((run.ServerRssAfterSyncBytes - run.EmptyServerRssBytes) / (double)run.SyncedObjects);
            if (postgres is not null)
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT pg_total_relation_size('resources') + coalesce(pg_total_relation_size(to_regclass('resource_revisions')), 0), (SELECT count(*) FROM resources)", connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                run.StoredBytes = reader.GetInt64(0);
                run.StoredRows = reader.GetInt64(1);
            }
            else if (mariaDb is not null)
            {
                (run.StoredBytes, run.StoredRows) = await MariaDbBench.TableSizeAsync(connectionString, cancellationToken);
            }
            else
            {
                run.StoredBytes = Directory.EnumerateFiles(directory, "clusterpedia.db*").Sum(f => new FileInfo(f).Length);
                run.StoredRows = run.SyncedObjects;
            }

            run.StoredBytesPerObject = Math.Round(run.StoredBytes / (double)Math.Max(1, run.StoredRows));
            Console.Error.WriteLine($"  S5: server RSS {run.EmptyServerRssBytes / 1048576.0:N0} MiB empty, {run.ServerRssAfterSyncBytes / 1048576.0:N0} MiB after sync = {run.RssBytesPerObject:N0} bytes/object; stored {run.StoredBytesPerObject:N0} bytes/object against {run.RawJsonBytesPerObject:N0} of raw JSON");

            await ListCost.RunAsync(us, server, postgres is null ? null : connectionString, run, options, cancellationToken);
            await MergeAgainstUsAsync(us, members, run, options, cancellationToken);
            if (options.ChurnPerSecond > 0)
            {
                using var stopSampling = new CancellationTokenSource();
                Task<List<PostgresWaitSampler.Sample>>? waits = null;
                if (postgres is not null)
                {
                    await ChurnProfile.StartAsync(connectionString, cancellationToken);
                    waits = options.ChurnWaits ? PostgresWaitSampler.SampleAsync(connectionString, stopSampling.Token) : null;
                }

                var churnCpu = CpuMeter.Start(server.Pid);
                try
                {
                    run.Churn = await ChurnLag.RunAsync(us, members, options.ChurnPerSecond, options.ChurnSeconds, run.Failures, cancellationToken);
                    run.ChurnCpu = churnCpu?.Stop(run.Churn.Writes);
                    if (run.ChurnCpu is { } churnSplit)
                    {
                        Console.Error.WriteLine($"  S4 CPU (writes and drain): {churnSplit}");
                    }
                }
                finally
                {
                    await stopSampling.CancelAsync();
                    if (waits is not null)
                    {
                        var samples = await waits;
                        if (run.Churn is { StartTimestamp: > 0 } churn)
                        {
                            run.ChurnWaitsBySecond = PostgresWaitSampler.BySecond(samples, churn.StartTimestamp);
                            run.ChurnOldestSnapshotBySecond = PostgresWaitSampler.OldestSnapshotBySecond(samples, churn.StartTimestamp);
                        }
                    }
                }

                if (postgres is not null)
                {
                    run.ChurnProfile = await ChurnProfile.ReadAsync(connectionString, cancellationToken);
                    foreach (var line in run.ChurnProfile)
                    {
                        Console.Error.WriteLine("    S4 profile: " + line);
                    }
                }
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            run.Failures.Add(e.GetType().Name + ": " + e.Message);
            Console.Error.WriteLine($"  end-to-end run on {engine} failed: {e}");
            if (server is not null)
            {
                Console.Error.WriteLine(server.LogTail());
            }
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            if (mariaDb is not null)
            {
                await mariaDb.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
            Issue18Targets.AddEndToEnd(run);
            run.TotalSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
        }
    }

    /// <summary>Average JSON bytes of one object as the member serves it, over its first page of the resource.</summary>
    private static async Task<double> AverageJsonBytesAsync(HttpClient member, GroupVersionResource resource, CancellationToken cancellationToken)
    {
        using var response = await member.GetAsync(resource.ApiPrefix + "/" + resource.Resource + "?limit=200", cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var sizes = document.RootElement.GetProperty("items").EnumerateArray().Select(i => (double)System.Text.Encoding.UTF8.GetByteCount(i.GetRawText())).ToList();
        return sizes.Count == 0 ? 0 : sizes.Average();
    }

    /// <summary>S1: create the PediaClusters, wait until all are Ready and our counts equal the members'.</summary>
    private static async Task SyncAsync(HttpClient us, List<MemberClient> members, EndToEndRun run, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        foreach (var member in members)
        {
            if (await CreatePediaClusterAsync(us, member, cancellationToken) is { } error)
            {
                run.Failures.Add(error);
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
                foreach (var resource in _synced)
                {
                    synced += (await CountAsync(us, _search + resource.ApiPrefix + "/" + resource.Resource + "?limit=1&withRemainingCount=true", cancellationToken)).Total;
                }

                run.SyncedObjects = synced;
                if (synced >= run.MemberObjects)
                {
                    break;
                }
            }

            var deadline = TimeSpan.FromSeconds(Math.Max(_minimumSyncDeadline.TotalSeconds, run.MemberObjects / 300.0));
            if (clock.Elapsed > deadline)
            {
                run.Failures.Add($"S1: after {deadline.TotalMinutes:N1} minutes {ready}/{members.Count} clusters Ready, {run.SyncedObjects} of {run.MemberObjects} objects searchable");
                return;
            }

            await Task.Delay(run.MemberObjects > 20_000 ? 500 : 100, cancellationToken);
        }

        run.SyncSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
        run.SyncObjectsPerSecond = Math.Round(run.SyncedObjects / clock.Elapsed.TotalSeconds);
        Console.Error.WriteLine($"  S1: {run.SyncedObjects:N0} objects of {members.Count} clusters searchable in {run.SyncSeconds:N1} s ({run.SyncObjectsPerSecond:N0}/s)");
    }

    /// <summary>Creates the PediaCluster of a member over our API (deployments, replicasets, pods, services, configmaps); returns an error or null.</summary>
    public static async Task<string?> CreatePediaClusterAsync(HttpClient us, MemberClient member, CancellationToken cancellationToken)
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
        return response.IsSuccessStatusCode
            ? null
            : $"creating PediaCluster {member.Cluster.Options.ClusterName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
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

    public static async Task<bool> IsReadyAsync(HttpClient us, string name, CancellationToken cancellationToken)
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
}
