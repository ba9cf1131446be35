using System.Diagnostics;
using System.Globalization;
using Clusterpedia.Bench.MariaDb;
using Clusterpedia.Bench.Measurement;
using Clusterpedia.Bench.Postgres;
using Clusterpedia.Bench.Results;
using Clusterpedia.Bench.Search;
using Clusterpedia.Bench.Workload;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.Kube;
using Clusterpedia.Storage;
using Clusterpedia.TestSupport.MariaDb;
using Npgsql;

namespace Clusterpedia.Bench;

/// <summary>
/// One storage run: start the engine (a private PostgreSQL or MariaDB, or a SQLite file in a temporary directory), load the data
/// set through the storage API, check every row arrived, refresh planner statistics, time each query shape, and
/// always tear the engine down.
/// </summary>
internal static class StorageBench
{
    private const double _deepPageMaxRatio = 2;

    // A production-like configuration for a 24 GiB machine; durability left on (fsync, synchronous_commit).
    private static readonly string[] _postgresSettings =
    [
        "shared_buffers=2GB", "effective_cache_size=16GB", "work_mem=32MB", "maintenance_work_mem=512MB",
        "max_wal_size=8GB", "checkpoint_timeout=15min", "random_page_cost=1.1", "max_connections=50",
    ];

    public static async Task<EngineRun> RunAsync(string engine, int rows, BenchOptions options, CancellationToken cancellationToken)
    {
        var shape = WorkloadShape.ForRows(rows, options.Clusters, options.Namespaces);
        var run = new EngineRun
        {
            Engine = engine,
            Rows = shape.Rows,
            Clusters = shape.Clusters,
            Namespaces = shape.Namespaces,
            DeploymentsPerNamespace = shape.DeploymentsPerNamespace,
            PodsPerDeployment = WorkloadShape.PodsPerDeployment,
        };
        var clock = Stopwatch.StartNew();
        Console.Error.WriteLine($"==> {engine}: {shape.Rows:N0} rows ({shape.Clusters} clusters × {shape.Namespaces} namespaces × {shape.DeploymentsPerNamespace} deployments × 8)");
        PrivatePostgres? postgres = null;
        MariaDbServer? mariaDb = null;
        string? sqliteDirectory = null;
        try
        {
            StorageOptions storageOptions;
            if (engine == StorageOptions.Postgres)
            {
                postgres = await PrivatePostgres.StartAsync([.. _postgresSettings, .. options.PostgresSettings], options.PostgresDataDirectory, cancellationToken);
                run.ServerSettings = postgres.Settings;
                storageOptions = new StorageOptions { Engine = StorageOptions.Postgres, ConnectionString = postgres.ConnectionString("postgres") };
            }
            else if (engine == StorageOptions.MySql)
            {
                mariaDb = await MariaDbServer.StartAsync(MariaDbBench.SearchSettings, cancellationToken, options.MySqlDataDirectory);
                run.ServerSettings = mariaDb.Settings;
                run.ServerVersion = "MariaDB " + await mariaDb.VersionAsync(cancellationToken);
                var connectionString = options.MySqlDataDirectory is null
                    ? await MariaDbBench.CreateStorageDatabaseAsync(mariaDb)
                    : await MariaDbBench.KeptStorageDatabaseAsync(mariaDb, cancellationToken);
                storageOptions = new StorageOptions { Engine = StorageOptions.MySql, ConnectionString = connectionString };
            }
            else
            {
                sqliteDirectory = Directory.CreateTempSubdirectory("clusterpedia-bench-sqlite-").FullName;
                storageOptions = new StorageOptions
                {
                    Engine = StorageOptions.Sqlite,
                    ConnectionString = "Data Source=" + Path.Combine(sqliteDirectory, "bench.db"),
                };
            }

            await using var storage = await StorageFactory.OpenAsync(storageOptions, cancellationToken);
            if (options.DropIndexes.Count > 0 && postgres is null)
            {
                throw new InvalidOperationException("--drop-index applies to the PostgreSQL run only; run it with --mysql-rows 0 --sqlite-rows 0");
            }

            if (postgres is not null)
            {
                run.ServerVersion = await ScalarAsync<string>(storageOptions.ConnectionString, "SHOW server_version", cancellationToken);
                await DropIndexesAsync(storageOptions.ConnectionString, options.DropIndexes, cancellationToken);
                run.DroppedIndexes = options.DropIndexes;
            }

            var dataSet = string.Create(CultureInfo.InvariantCulture,
                $"rows={shape.Rows} clusters={shape.Clusters} namespaces={shape.Namespaces} seed={options.Seed}");
            // A kept server's directory (--postgres-data, --mysql-data), and whether it was started again.
            var (keptRoot, keptOption, reused) = postgres is not null && options.PostgresDataDirectory is not null
                ? (postgres.Root, "--postgres-data", postgres.Reused)
                : mariaDb is not null && options.MySqlDataDirectory is not null
                    ? (mariaDb.Root, "--mysql-data", mariaDb.Reused)
                    : (null, null, false);
            var loadedMarker = keptRoot is not null ? Path.Combine(keptRoot, "loaded") : null;
            if (reused && File.Exists(loadedMarker))
            {
                var kept = (await File.ReadAllTextAsync(loadedMarker, cancellationToken)).Trim();
                if (kept != dataSet)
                {
                    throw new InvalidOperationException($"{keptOption} {keptRoot} holds {kept}, this run asks for {dataSet}; delete the directory or pass the same options");
                }

                run.ReusedData = keptRoot;
                Console.Error.WriteLine($"  reusing the data set kept in {keptRoot} ({kept}); no load");
            }
            else
            {
                Console.Error.WriteLine($"  loading in batches of {options.BatchSize}");
                // No target on the storage-level upsert any more: issue 18's sync targets are end to end (S1).
                run.Load = await DatasetLoader.LoadAsync(storage.Resources, shape, options.BatchSize, options.Seed, targetObjectsPerSecond: null, cancellationToken);
                Console.Error.WriteLine($"  upsert: {run.Load.ObjectsPerSecond:N0} objects/s");
                await VerifyCountsAsync(storage.Resources, shape, run, cancellationToken);
                if (run.Failures.Count > 0)
                {
                    return run;
                }

                // The rows carry the workload columns a synchro without plugins writes; recorded as such, the server
                // skips its start-up pass over every stored pod (which would otherwise run beside the queries).
                await WorkloadReresolver.MarkResolvedAsync(storage.ApiObjects, ObjectGenerator.Plugins, cancellationToken);

                if (loadedMarker is not null)
                {
                    // Written only once every row is verified, so a reused directory never holds a partial load.
                    await File.WriteAllTextAsync(loadedMarker, dataSet + "\n", cancellationToken);
                }
            }

            var analyze = Stopwatch.StartNew();
            if (postgres is not null)
            {
                // What autovacuum does on its own some minutes after a bulk load; measuring before it would time a
                // state production never stays in.
                await ScalarAsync<object>(storageOptions.ConnectionString, "VACUUM (ANALYZE) resources", cancellationToken);
                run.AnalyzeSeconds = Math.Round(analyze.Elapsed.TotalSeconds, 1);
                run.StoredBytes = await ScalarAsync<long>(storageOptions.ConnectionString, "SELECT pg_total_relation_size('resources') + coalesce(pg_total_relation_size(to_regclass('resource_revisions')), 0)", cancellationToken);
            }
            else if (mariaDb is not null)
            {
                // What InnoDB's own background statistics would reach after the bulk load, for the optimizer.
                await MariaDbBench.AnalyzeAsync(storageOptions.ConnectionString, cancellationToken);
                run.AnalyzeSeconds = Math.Round(analyze.Elapsed.TotalSeconds, 1);
                run.StoredBytes = (await MariaDbBench.TableSizeAsync(storageOptions.ConnectionString, cancellationToken)).Bytes;
            }
            else
            {
                run.StoredBytes = Directory.EnumerateFiles(sqliteDirectory!).Sum(f => new FileInfo(f).Length);
            }

            run.StoredBytesPerObject = Math.Round(run.StoredBytes.Value / (double)shape.Rows);

            if ((postgres is not null || mariaDb is not null) && options.SearchOverHttp)
            {
                run.HttpSearch = await HttpSearchBench.RunAsync(engine, storageOptions.ConnectionString, shape, options, cancellationToken);
                if (!options.PostgresInProcessQueries || mariaDb is not null)
                {
                    return run;
                }
            }

            var deepPage = StorageScenarios.DeepPage(shape);
            Console.Error.WriteLine($"  walking to page {deepPage} for its continue token");
            var token = await StorageScenarios.ContinueTokenOfPageAsync(storage.Resources, deepPage, cancellationToken);
            var runner = new ScenarioRunner(storage.Resources, options.Warmup, options.Repetitions, TimeSpan.FromSeconds(options.ScenarioBudgetSeconds));
            var scenarios = StorageScenarios.Build(engine, shape, deepPage, token);

            // Page 1 and the deep page are compared with each other: time them interleaved.
            var paired = await runner.RunInterleavedAsync(scenarios.Take(2).ToList(), cancellationToken);
            foreach (var result in paired.Concat(await RunEachAsync(runner, scenarios.Skip(2), cancellationToken)))
            {
                run.Queries.Add(result);
                Console.Error.WriteLine(result.Completed
                    ? $"  {result.Name,-34} p50 {result.P50Ms,9:N2} ms  p95 {result.P95Ms,9:N2} ms  p99 {result.P99Ms,9:N2} ms  ({result.Repetitions} runs)"
                    : $"  {result.Name,-34} FAILED: {result.Error}");
                if (!result.Completed)
                {
                    run.Failures.Add($"{result.Name}: {result.Error}");
                }
            }

            AddDeepPageChecks(run, deepPage);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            run.Failures.Add(e.GetType().Name + ": " + e.Message);
            Console.Error.WriteLine($"  {engine} run failed: {e}");
        }
        finally
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            if (mariaDb is not null)
            {
                await mariaDb.DisposeAsync();
            }

            if (sqliteDirectory is not null)
            {
                Directory.Delete(sqliteDirectory, recursive: true);
            }

            run.TotalSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
        }

        return run;
    }

    private static async Task<List<QueryResult>> RunEachAsync(
        ScenarioRunner runner, IEnumerable<QueryScenario> scenarios, CancellationToken cancellationToken)
    {
        var results = new List<QueryResult>();
        foreach (var scenario in scenarios)
        {
            results.Add(await runner.RunAsync(scenario, cancellationToken));
        }

        return results;
    }

    private static async Task VerifyCountsAsync(IResourceStorage storage, WorkloadShape shape, EngineRun run, CancellationToken cancellationToken)
    {
        (GroupVersionResource Resource, long Expected)[] expected =
        [
            (StorageScenarios.Pods, shape.Pods),
            (StorageScenarios.Deployments, shape.Deployments),
            (StorageScenarios.ReplicaSets, shape.Deployments),
        ];
        foreach (var (resource, count) in expected)
        {
            var page = await storage.ListAsync(
                new ResourceQuery { Group = resource.Group, Version = resource.Version, Resource = resource.Resource, Limit = 1, WithRemainingCount = true },
                cancellationToken);
            var stored = page.Items.Count + (page.RemainingItemCount ?? 0);
            if (stored != count)
            {
                run.Failures.Add(string.Create(CultureInfo.InvariantCulture, $"{resource.Resource}: {stored} stored, {count} expected"));
            }
        }
    }

    private static void AddDeepPageChecks(EngineRun run, int deepPage)
    {
        var first = run.Queries.FirstOrDefault(q => q.Name == "pods-cluster-page1");
        var deep = run.Queries.FirstOrDefault(q => q.Name == $"pods-cluster-page{deepPage}");
        if (first is not { Completed: true } || deep is not { Completed: true })
        {
            return;
        }

        foreach (var (label, a, b) in new[] { ("p50", deep.P50Ms, first.P50Ms), ("p95", deep.P95Ms, first.P95Ms) })
        {
            var ratio = Math.Round(a / b, 2);
            run.Checks.Add(new CheckResult($"page{deepPage}-vs-page1-{label}",
                $"{label} of page {deepPage} over {label} of page 1 (keyset continue)", ratio, _deepPageMaxRatio, ratio <= _deepPageMaxRatio));
        }
    }

    private static async Task DropIndexesAsync(string connectionString, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var name in names)
        {
            // The statement names the index as the catalog spells it (quote_ident), never the option text itself.
            await using var lookup = new NpgsqlCommand(
                "SELECT quote_ident(indexname) FROM pg_indexes WHERE tablename = 'resources' AND indexname = @name", connection);
            lookup.Parameters.AddWithValue("name", name);
            var quoted = await lookup.ExecuteScalarAsync(cancellationToken) as string
                ?? throw new InvalidOperationException($"--drop-index: the resources table has no index named '{name}'");
#pragma warning disable CA2100 // The identifier comes from pg_indexes through quote_ident.
            await using var drop = new NpgsqlCommand("DROP INDEX " + quoted, connection);
#pragma warning restore CA2100
            await drop.ExecuteNonQueryAsync(cancellationToken);
            Console.Error.WriteLine($"  dropped index {name} (ablation)");
        }
    }

    private static async Task<T?> ScalarAsync<T>(string connectionString, string sql, CancellationToken cancellationToken)
    {
        // Fixed statements of the harness only; nothing from input.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 1800 };
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is T typed ? typed : default;
    }
}
