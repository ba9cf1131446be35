using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.Bench.EndToEnd;
using Clusterpedia.Bench.Measurement;
using Clusterpedia.Bench.Results;
using Clusterpedia.Bench.Server;
using Clusterpedia.Bench.Workload;
using Clusterpedia.KubeSim;
using Clusterpedia.Storage;

namespace Clusterpedia.Bench.Search;

/// <summary>
/// Issue 8's S2 through the HTTP API: the real server started as a child process on the already loaded PostgreSQL or
/// MySQL database, the fixed query mix sent over loopback HTTP (the Clusterpedia URL forms), each query also run as the
/// statement the storage emits straight against the database (the floor), at concurrency 1 and 16.
/// </summary>
internal static class HttpSearchBench
{
    public const int HighConcurrency = 16;
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources";
    private const string _pediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    private const double _apiOverSqlLimit = 1.3;
    private const double _deepPageMaxRatio = 2;

    public static async Task<SearchRun> RunAsync(string engine, string connectionString, WorkloadShape shape, BenchOptions options, CancellationToken cancellationToken)
    {
        var run = new SearchRun { Rows = shape.Rows, Engine = engine };
        var clock = Stopwatch.StartNew();
        var log = Path.Combine(Path.GetTempPath(), $"clusterpedia-bench-s2-server-{Environment.ProcessId}.log");
        Console.Error.WriteLine($"  S2 through HTTP: starting the server (child process, log {log})");
        ServerProcess? server = null;
        SimulatedCluster? catalog = null;
        MemberClient? catalogMember = null;
        try
        {
            server = await ServerProcess.StartAsync(engine, connectionString, log, cancellationToken, environment: options.ServerEnvironment);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
            {
                BaseAddress = server.Address,
                Timeout = TimeSpan.FromMinutes(2),
            };
            catalog = await SimulatedCluster.StartAsync(new SimulatorOptions
            {
                ClusterName = "bench-catalog",
                Tls = true,
                Token = "bench-catalog-token",
                Namespaces = 1,
                DeploymentsPerNamespace = 1,
                PodsPerDeployment = 1,
                Nodes = 1,
            }, cancellationToken);
            catalogMember = new MemberClient(catalog);
            await MakeResourcesSearchableAsync(http, catalogMember, cancellationToken);
            await using var sqlBuilder = new StorageSql(engine, connectionString);

            run.DeepPage = StorageScenarios.DeepPage(shape);
            var walk = Stopwatch.StartNew();
            var token = await ContinueTokenOfPageAsync(http, run.DeepPage, cancellationToken);
            run.DeepPageWalkSeconds = Math.Round(walk.Elapsed.TotalSeconds, 1);
            Console.Error.WriteLine($"  reached page {run.DeepPage} over HTTP in {run.DeepPageWalkSeconds:N1} s");

            var scenarios = StorageScenarios.Build(engine, shape, run.DeepPage, token).Where(s => !s.Name.Contains("offset", StringComparison.Ordinal)).ToList();
            var budget = TimeSpan.FromSeconds(options.SearchBudgetSeconds);

            // Page 1 and the deep page are compared with each other: measured interleaved, in every mode.
            var groups = new List<List<QueryScenario>> { scenarios.Take(2).ToList() };
            groups.AddRange(scenarios.Skip(2).Select(s => new List<QueryScenario> { s }));
            foreach (var group in groups)
            {
                var results = group.Select(s =>
                {
                    var (sql, parameters) = sqlBuilder.Build(Parse(s, 0));
                    return new SearchQueryResult
                    {
                        Name = s.Name,
                        Description = s.Description,
                        Url = Shorten(PathOf(s, 0)),
                        Sql = sql + " -- " + string.Join(", ", parameters.Select(p => p.Key + "=" + Shorten(Format(p.Value)))),
                    };
                }).ToList();
                foreach (var concurrency in new[] { 1, HighConcurrency })
                {
                    var reps = concurrency == 1 ? options.Repetitions : options.Repetitions * 2;
                    var api = await LoadRunner.RunAsync([.. group.Select(s => ApiOperation(http, s))], concurrency, options.Warmup, reps, budget, cancellationToken);
                    var floor = await LoadRunner.RunAsync([.. group.Select(s => SqlOperation(sqlBuilder, s))], concurrency, options.Warmup, reps, budget, cancellationToken);
                    for (var i = 0; i < group.Count; i++)
                    {
                        var apiResult = ToResult(group[i], api[i], options.Warmup, concurrency == 1);
                        var sqlResult = ToResult(group[i] with { Name = group[i].Name + "-sql" }, floor[i], options.Warmup, target: false);
                        if (concurrency == 1)
                        {
                            results[i].ApiC1 = apiResult;
                            results[i].SqlC1 = sqlResult;
                        }
                        else
                        {
                            results[i].ApiC16 = apiResult;
                            results[i].SqlC16 = sqlResult;
                        }

                        foreach (var result in new[] { apiResult, sqlResult }.Where(r => !r.Completed))
                        {
                            run.Failures.Add($"S2 {result.Name} at concurrency {concurrency}: {result.Error}");
                        }
                    }
                }

                for (var i = 0; i < group.Count; i++)
                {
                    results[i].Plan = await sqlBuilder.ExplainAsync(engine, Parse(group[i], 0), cancellationToken);
                }

                foreach (var result in results)
                {
                    result.RatioP50C1 = Ratio(result.ApiC1?.P50Ms, result.SqlC1?.P50Ms);
                    result.RatioP95C1 = Ratio(result.ApiC1?.P95Ms, result.SqlC1?.P95Ms);
                    result.RatioP50C16 = Ratio(result.ApiC16?.P50Ms, result.SqlC16?.P50Ms);
                    run.Queries.Add(result);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {result.Name,-30} API p50 {result.ApiC1?.P50Ms,8:N2} p95 {result.ApiC1?.P95Ms,8:N2} | SQL p50 {result.SqlC1?.P50Ms,8:N2} | ratio {result.RatioP50C1,5:N2} | c{HighConcurrency} API p50 {result.ApiC16?.P50Ms,8:N2} p99 {result.ApiC16?.P99Ms,8:N2}"));
                    if (result.ApiC1 is { Completed: true, TargetP95Ms: not null } apiC1)
                    {
                        run.Checks.Add(Issue18Targets.PageP95(engine, result.Name, apiC1.P95Ms, run.Rows));
                    }

                    if (result.RatioP50C1 is { } ratio)
                    {
                        run.Checks.Add(new CheckResult($"{result.Name}-api-over-sql-p50", "API p50 over SQL p50 at concurrency 1", ratio, _apiOverSqlLimit, ratio <= _apiOverSqlLimit));
                    }
                }
            }

            var first = run.Queries.FirstOrDefault(q => q.Name == "pods-cluster-page1")?.ApiC1;
            var deep = run.Queries.FirstOrDefault(q => q.Name == $"pods-cluster-page{run.DeepPage}")?.ApiC1;
            if (first is { Completed: true } && deep is { Completed: true })
            {
                foreach (var (label, a, b) in new[] { ("p50", deep.P50Ms, first.P50Ms), ("p95", deep.P95Ms, first.P95Ms) })
                {
                    var ratio = Math.Round(a / b, 2);
                    run.Checks.Add(new CheckResult($"api-page{run.DeepPage}-vs-page1-{label}",
                        $"{label} of page {run.DeepPage} over {label} of page 1 through HTTP (keyset continue)", ratio, _deepPageMaxRatio, ratio <= _deepPageMaxRatio));
                }
            }

            run.ServerRssBytes = server.RssBytes();
            run.ServerPeakRssBytes = server.PeakRssBytes();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            run.Failures.Add("S2: " + e.GetType().Name + ": " + e.Message);
            Console.Error.WriteLine($"  S2 through HTTP failed: {e}");
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

            if (run.Failures.Count == 0)
            {
                File.Delete(log);
            }

            catalogMember?.Dispose();
            if (catalog is not null)
            {
                await catalog.DisposeAsync();
            }

            run.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
        }

        return run;
    }

    /// <summary>
    /// The server serves a resource once some PediaCluster syncs it (the catalog comes from member discovery). The
    /// loaded rows belong to clusters with no PediaCluster, so one tiny simulated member ("bench-catalog", a handful of
    /// objects beside the data set) is registered for deployments, replicasets and pods; its synchro touches only its
    /// own rows.
    /// </summary>
    private static async Task MakeResourcesSearchableAsync(HttpClient http, MemberClient member, CancellationToken cancellationToken)
    {
        // A kept database (--postgres-data, --mysql-data) still has the previous run's PediaCluster, pointing at a member that is
        // gone: remove it, and create this run's once its removal is through.
        var name = member.Cluster.Options.ClusterName;
        (await http.DeleteAsync(_pediaClusters + "/" + name, cancellationToken)).Dispose();
        var clock = Stopwatch.StartNew();
        while (await EndToEndBench.CreatePediaClusterAsync(http, member, cancellationToken) is { } error)
        {
            if (!error.Contains("409", StringComparison.Ordinal) || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException(error);
            }

            await Task.Delay(200, cancellationToken);
        }

        clock.Restart();
        foreach (var path in new[] { "/api/v1/pods?limit=1", "/apis/apps/v1/deployments?limit=1", "/apis/apps/v1/replicasets?limit=1" })
        {
            while (true)
            {
                using var response = await http.GetAsync(_search + path, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    break;
                }

                if (clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"{_search}{path} still answers {(int)response.StatusCode} a minute after the PediaCluster was created");
                }

                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>The request path of a scenario: the Clusterpedia search prefix, the resource, the URL-form search keys.</summary>
    public static string PathOf(QueryScenario scenario, int rep)
    {
        var r = scenario.Resource;
        var path = new StringBuilder(_search).Append(string.IsNullOrEmpty(r.Group) ? "/api/" + r.Version : $"/apis/{r.Group}/{r.Version}")
            .Append('/').Append(r.Resource);
        var separator = '?';
        foreach (var (key, value) in scenario.Parameters(rep))
        {
            path.Append(separator).Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value ?? ""));
            separator = '&';
        }

        return path.ToString();
    }

    private static Func<int, CancellationToken, Task<LoadRunner.Sample>> ApiOperation(HttpClient http, QueryScenario scenario) =>
        async (rep, cancellationToken) =>
        {
            var path = PathOf(scenario, rep);
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{(int)response.StatusCode} from {path}: {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)))}");
            }

            return new(CountItems(body), ms);
        };

    private static Func<int, CancellationToken, Task<LoadRunner.Sample>> SqlOperation(StorageSql builder, QueryScenario scenario) =>
        async (rep, cancellationToken) =>
        {
            var (text, parameters) = builder.Build(Parse(scenario, rep));
            var start = Stopwatch.GetTimestamp();
            await using var connection = await builder.OpenConnectionAsync(cancellationToken);
            await using var command = StorageSql.Command(connection, text, parameters);

            var rows = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                var values = new object[reader.FieldCount];
                while (await reader.ReadAsync(cancellationToken))
                {
                    reader.GetValues(values);
                    rows++;
                }
            }

            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            // The statement asks for one row more than the page, to tell whether there is a next page.
            var limit = scenario.Parameters(rep).FirstOrDefault(p => p.Key == "limit").Value;
            return new(limit is not null && rows == int.Parse(limit, CultureInfo.InvariantCulture) + 1 ? rows - 1 : rows, ms);
        };

    private static QueryResult ToResult(QueryScenario scenario, LoadRunner.Outcome outcome, int warmup, bool target)
    {
        var s = target ? scenario : scenario with { TargetP95Ms = null };
        return outcome.Error is { } error
            ? QueryResult.FromError(s, error, [])
            : QueryResult.FromLatencies(s, warmup, outcome.Latencies, outcome.Items);
    }

    private static async Task<string> ContinueTokenOfPageAsync(HttpClient http, int page, CancellationToken cancellationToken)
    {
        var scenario = new QueryScenario("walk", "", StorageScenarios.Pods, _ =>
        [
            new("clusters", WorkloadShape.ClusterName(0)), new("orderby", "name"),
            new("limit", StorageScenarios.PageSize.ToString(CultureInfo.InvariantCulture)),
        ]);
        string? token = null;
        for (var i = 1; i < page; i++)
        {
            var path = PathOf(scenario, 0) + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token));
            using var response = await http.GetAsync(path, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            token = document.RootElement.GetProperty("metadata").TryGetProperty("continue", out var value) && value.GetString() is { Length: > 0 } next
                ? next
                : throw new InvalidOperationException($"the listing ended at page {i}, before page {page}");
        }

        return token ?? throw new InvalidOperationException("page must be at least 2");
    }

    /// <summary>Counts the elements of the top-level <c>items</c> array without building a document.</summary>
    private static int CountItems(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    count++;
                }

                return count;
            }

            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Read();
                reader.Skip();
            }
        }

        return 0;
    }

    // The server bounds the parsed query (page size, and the unasked remainingItemCount for lists without selectors)
    // in SearchQueryBuilder; the parser alone leaves the count out. The floor runs the same bounding code, so it carries
    // exactly the count the API's statement does, or API/SQL would charge the count to HTTP.
    private static ResourceQuery Parse(QueryScenario scenario, int rep) =>
        SearchQueryBuilder.Bounded(
            ResourceQueryParser.Parse(scenario.Resource, scenario.Parameters(rep), defaultNamespace: null, cluster: null), new QueryLimits());

    private static double? Ratio(double? api, double? sql) => api is { } a && sql is { } s && s > 0 ? Math.Round(a / s, 2) : null;

    private static string Format(object value) => value switch
    {
        string[] array => "{" + string.Join(',', array) + "}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Shorten(string text) => text.Length > 200 ? text[..60] + "…" + text[^20..] : text;
}
