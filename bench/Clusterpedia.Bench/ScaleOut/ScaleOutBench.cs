using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Clusterpedia.Bench.EndToEnd;
using Clusterpedia.Bench.Postgres;
using Clusterpedia.Bench.Results;
using Clusterpedia.Bench.Server;
using Clusterpedia.KubeSim;
using Npgsql;

namespace Clusterpedia.Bench.ScaleOut;

/// <summary>
/// <c>Clusterpedia.Bench --scale-out</c> (issue 17): the processes of docs/scale-out.md on one private PostgreSQL,
/// as server child processes in roles. Sync of the same simulated members (in this process, static: no controllers)
/// with one and with two sharded synchro replicas, each on a fresh database; on the two-replica database, SIGKILL of
/// one replica and the time until the survivor holds its clusters and the stored set equals the members' (a
/// mismatch fails the run); then search throughput through one and through two API-only replicas on that database.
/// </summary>
internal static partial class ScaleOutBench
{
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = ScaleOutOptions.Parse(args);
        var result = new ScaleOutResult
        {
            Command = "Clusterpedia.Bench " + string.Join(' ', args),
            StartedAt = DateTimeOffset.UtcNow,
            LoadAverageAtStart = MachineInfo.LoadAverage(),
            Members = options.Members,
            LeaseSeconds = options.LeaseSeconds,
        };
        Console.Error.WriteLine($"==> scale-out: {options.Members} members × {options.Namespaces} namespaces × {options.Deployments} deployments × {options.Pods} pods; {Environment.ProcessorCount} cores, load average {result.LoadAverageAtStart}");
        var directory = Directory.CreateTempSubdirectory("clusterpedia-bench-scale-").FullName;
        var members = new List<MemberClient>();
        var servers = new List<ServerProcess>();
        PrivatePostgres? postgres = null;
        var cancellationToken = CancellationToken.None;
        try
        {
            for (var i = 1; i <= options.Members; i++)
            {
                var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions
                {
                    ClusterName = "member-" + i.ToString(CultureInfo.InvariantCulture),
                    Tls = true,
                    Token = "bench-scale-token-" + i.ToString(CultureInfo.InvariantCulture),
                    Seed = i,
                    Namespaces = options.Namespaces,
                    DeploymentsPerNamespace = options.Deployments,
                    PodsPerDeployment = options.Pods,
                    Nodes = 10,
                    RunControllers = false,
                }, cancellationToken);
                members.Add(new MemberClient(cluster));
            }

            result.MemberObjects = members.Sum(m => StoredSet.Synced.Sum(r => (long)m.Cluster.Store.Count(r)));
            Console.Error.WriteLine($"  members: {result.MemberObjects:N0} objects of the synced resources");

            postgres = await PrivatePostgres.StartAsync(["shared_buffers=512MB", "max_connections=200"], keptRoot: null, cancellationToken);
            await CreateDatabasesAsync(postgres, cancellationToken);
            var context = new RunContext(options, result, members, servers, postgres, directory);

            // One synchro replica, on its own database.
            var one = postgres.ConnectionString("scale_one");
            var oneApi = await StartAsync(context, "sync-1-api", one, ["--synchro=false"]);
            var oneSynchro = await StartAsync(context, "sync-1-synchro-1", one, Synchro(options, "synchro-1"));
            await SyncAsync(context, oneApi, "1 synchro replica");
            await StopAsync(context, oneSynchro);
            await StopAsync(context, oneApi);

            // Two synchro replicas, then the takeover, then search through one and two API replicas.
            var two = postgres.ConnectionString("scale_two");
            var api1 = await StartAsync(context, "api-1", two, ["--synchro=false"]);
            var synchro1 = await StartAsync(context, "synchro-1", two, Synchro(options, "synchro-1"));
            var synchro2 = await StartAsync(context, "synchro-2", two, Synchro(options, "synchro-2"));
            if (await SyncAsync(context, api1, "2 synchro replicas"))
            {
                await TakeoverAsync(context, two, synchro2, cancellationToken);
            }

            await StopAsync(context, synchro1);
            if (result.Failures.Count == 0)
            {
                var api2 = await StartAsync(context, "api-2", two, ["--synchro=false"]);
                await SearchAsync(context, api1, api2, "", cancellationToken);
                await StopAsync(context, api1);
                await StopAsync(context, api2);
                if (result.Failures.Count == 0 && options.Standby)
                {
                    // The same two API replicas, reading a hot standby of the primary (Storage:ReadConnectionStrings).
                    await using var standby = await postgres.StartStandbyAsync(cancellationToken);
                    string[] reads = ["--synchro=false", "--Storage:ReadConnectionStrings:0", standby.ConnectionString("scale_two")];
                    var read1 = await StartAsync(context, "api-1-standby", two, reads);
                    var read2 = await StartAsync(context, "api-2-standby", two, reads);
                    await SearchAsync(context, read1, read2, ", reads from a hot standby", cancellationToken);
                    await StopAsync(context, read1);
                    await StopAsync(context, read2);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or NpgsqlException or TaskCanceledException or IOException)
        {
            result.Failures.Add(e.GetType().Name + ": " + e.Message);
            Console.Error.WriteLine($"  scale-out run failed: {e}");
            foreach (var server in servers)
            {
                Console.Error.WriteLine(server.LogTail());
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            foreach (var member in members)
            {
                await member.Cluster.DisposeAsync();
                member.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }

        result.LoadAverageAtEnd = MachineInfo.LoadAverage();
        var output = options.Output ?? Path.Combine("bench", "results", $"{result.StartedAt:yyyy-MM-dd}-scale-out{(options.Quick ? "-quick" : "")}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, ScaleOutJsonContext.Default.ScaleOutResult) + "\n");
        Console.WriteLine(Render(result));
        Console.WriteLine($"results: {output}");
        foreach (var failure in result.Failures)
        {
            await Console.Error.WriteLineAsync("FAILED: " + failure);
        }

        return result.Failures.Count == 0 ? 0 : 1;
    }

    private static string[] Synchro(ScaleOutOptions options, string identity) =>
    [
        "--api=false", "--Synchro:Sharding:Enabled", "true", "--Synchro:Sharding:Identity", identity,
        "--Synchro:Sharding:LeaseDuration", TimeSpan.FromSeconds(options.LeaseSeconds).ToString("c", CultureInfo.InvariantCulture),
    ];

    private static async Task<ServerProcess> StartAsync(RunContext context, string name, string connectionString, string[] arguments)
    {
        var server = await ServerProcess.StartAsync("postgres", connectionString, Path.Combine(context.Directory, name + ".log"), CancellationToken.None, arguments);
        context.Servers.Add(server);
        Console.Error.WriteLine($"  {name}: pid {server.Pid} ({string.Join(' ', arguments)})");
        return server;
    }

    /// <summary>
    /// Objects a search finds (the page plus remainingItemCount). 404 counts as none: an API-only replica learns that a
    /// resource is served from the synchro's rows in the database, a moment after the cluster turned Ready.
    /// </summary>
    private static async Task<long> CountAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }

        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        var count = document.RootElement.GetProperty("items").GetArrayLength();
        return count + (document.RootElement.TryGetProperty("metadata", out var metadata)
            && metadata.TryGetProperty("remainingItemCount", out var remaining) ? remaining.GetInt64() : 0);
    }

    /// <summary>Stops a server child process with SIGKILL (what <see cref="ServerProcess"/> does on dispose).</summary>
    private static async Task StopAsync(RunContext context, ServerProcess server)
    {
        context.Servers.Remove(server);
        await server.DisposeAsync();
    }

    private static async Task CreateDatabasesAsync(PrivatePostgres postgres, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        foreach (var database in new[] { "scale_one", "scale_two" })
        {
            await using var command = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Creates the PediaClusters through the API replica; true once every member object is searchable.</summary>
    private static async Task<bool> SyncAsync(RunContext context, ServerProcess api, string label)
    {
        using var us = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromMinutes(2) };
        var clock = Stopwatch.StartNew();
        foreach (var member in context.Members)
        {
            if (await EndToEndBench.CreatePediaClusterAsync(us, member, CancellationToken.None) is { } error)
            {
                context.Result.Failures.Add(label + ": " + error);
                return false;
            }
        }

        var deadline = TimeSpan.FromSeconds(Math.Max(180, context.Result.MemberObjects / 200.0));
        long synced = 0;
        while (clock.Elapsed < deadline)
        {
            var ready = 0;
            foreach (var member in context.Members)
            {
                ready += await EndToEndBench.IsReadyAsync(us, member.Cluster.Options.ClusterName, CancellationToken.None) ? 1 : 0;
            }

            if (ready == context.Members.Count)
            {
                synced = 0;
                foreach (var resource in StoredSet.Synced)
                {
                    synced += await CountAsync(us, _search + resource.ApiPrefix + "/" + resource.Resource + "?limit=1&withRemainingCount=true");
                }

                if (synced >= context.Result.MemberObjects)
                {
                    var seconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
                    context.Result.SyncSeconds[label] = seconds;
                    Console.Error.WriteLine($"  sync with {label}: {synced:N0} objects searchable in {seconds:N2} s ({synced / seconds:N0}/s)");
                    return true;
                }
            }

            await Task.Delay(200);
        }

        context.Result.Failures.Add($"sync with {label}: after {deadline.TotalSeconds:N0} s {synced:N0} of {context.Result.MemberObjects:N0} objects searchable");
        return false;
    }
}
