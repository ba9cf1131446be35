using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Clusterpedia.Bench.Results;
using Clusterpedia.Bench.Server;
using Npgsql;

namespace Clusterpedia.Bench.EndToEnd;

/// <summary>
/// Issue 18's memory and round-trip targets on the synced server: its idle RSS (measured before S1), every pod listed
/// without a limit several times in a row with the server's RSS sampled every 20 ms (memory must stay flat: rows stream
/// from the database to the response), and on PostgreSQL the statements each list shape costs, counted by
/// pg_stat_statements. Allocations, statements and RSS are compared rather than wall-clock, which a shared machine
/// distorts.
/// </summary>
internal static class ListCost
{
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources";
    private const double _idleRssLimitMiB = 80;
    private const double _flatLimit = 1.10;
    private const double _peakOverBeforeLimitMiB = 200;
    private const double _statementsLimit = 1.0;
    private const int _statementRequests = 40;

    public static async Task RunAsync(HttpClient us, ServerProcess server, string? postgresConnectionString, EndToEndRun run, BenchOptions options, CancellationToken cancellationToken)
    {
        var idle = run.EmptyServerRssBytes / 1048576.0;
        run.Checks.Add(new CheckResult("idle-rss-mib", "server RSS (VmRSS) on an empty database after a few requests, MiB",
            Math.Round(idle, 1), _idleRssLimitMiB, idle <= _idleRssLimitMiB));

        await UnpagedListsAsync(us, server, run, options.Quick ? 3 : 5, cancellationToken);
        if (postgresConnectionString is not null)
        {
            await StatementsAsync(us, postgresConnectionString, run, cancellationToken);
        }
    }

    /// <summary>GET every pod without a limit, <paramref name="rounds"/> times; the body is read and dropped.</summary>
    private static async Task UnpagedListsAsync(HttpClient us, ServerProcess server, EndToEndRun run, int rounds, CancellationToken cancellationToken)
    {
        for (var round = 1; round <= rounds; round++)
        {
            var before = server.RssBytes();
            var peak = before;
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, server.RssBytes());
                    await Task.Delay(20, CancellationToken.None);
                }
            }, CancellationToken.None);

            var clock = Stopwatch.StartNew();
            long bytes = 0;
            using (var response = await us.GetAsync(_search + "/api/v1/pods", HttpCompletionOption.ResponseHeadersRead, cancellationToken))
            {
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using (body)
                {
                    var buffer = new byte[64 * 1024];
                    int read;
                    while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        bytes += read;
                    }
                }
            }

            var seconds = clock.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            await sampler;
            peak = Math.Max(peak, server.RssBytes());
            await Task.Delay(500, cancellationToken);
            var result = new UnpagedListRound(round, bytes, Math.Round(seconds, 2), before, peak, server.RssBytes());
            run.UnpagedLists.Add(result);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  unpaged list {round}: {bytes / 1048576.0:N0} MiB in {seconds:N1} s, server RSS {before / 1048576.0:N0} → peak {peak / 1048576.0:N0} → {result.RssAfterBytes / 1048576.0:N0} MiB"));
        }

        var first = run.UnpagedLists[0];
        var last = run.UnpagedLists[^1];
        var flat = Math.Round(last.PeakRssBytes / (double)first.PeakRssBytes, 2);
        run.Checks.Add(new CheckResult("unpaged-list-peak-last-over-first",
            $"peak server RSS of unpaged list {last.Round} over that of list 1 (every pod, {first.Bytes / 1048576.0:N0} MiB of JSON each)", flat, _flatLimit, flat <= _flatLimit));
        var growth = Math.Round((run.UnpagedLists.Max(r => r.PeakRssBytes) - first.RssBeforeBytes) / 1048576.0, 1);
        run.Checks.Add(new CheckResult("unpaged-list-peak-over-before-mib",
            "highest peak server RSS of the unpaged lists over the RSS before the first, MiB", growth, _peakOverBeforeLimitMiB, growth <= _peakOverBeforeLimitMiB));
    }

    /// <summary>
    /// Statements per list request: pg_stat_statements is reset, the shape is requested <see cref="_statementRequests"/>
    /// times in a row, and the statements of the search path counted. The server keeps running its own reads meanwhile
    /// (the PediaCluster and CRD change feeds on api_objects: BEGIN, the revision, the compaction point, the changes,
    /// COMMIT, every poll), which share some statement texts with a list; so the count is attributed: every statement
    /// on <c>resources r</c> (page, count, empty check, get), plus the revision reads and read transactions
    /// (BEGIN ... REPEATABLE READ and its COMMIT) beyond one per api_objects poll. DISCARD ALL, which Npgsql sends ahead
    /// of the next command of a connection back from the pool, rides on that command's round trip and is not counted.
    /// </summary>
    private static async Task StatementsAsync(HttpClient us, string connectionString, EndToEndRun run, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", cancellationToken);
        var ns = await FirstPodNamespaceAsync(us, cancellationToken);
        var shapes = new (string Name, string Path)[]
        {
            ("page-of-100-with-count", _search + "/api/v1/pods?clusters=member-1&limit=100"),
            ("page-of-100-continued", ""),
            ("unpaged-namespace", _search + $"/api/v1/namespaces/{ns}/pods"),
            ("empty", _search + "/api/v1/namespaces/no-such-namespace/pods"),
            ("get-one", ""),
        };
        var (continued, one) = await SecondPageAndOneObjectAsync(us, cancellationToken);
        shapes[1].Path = continued;
        shapes[4].Path = one;
        foreach (var (name, path) in shapes)
        {
            await ExecuteAsync(connection, "SELECT pg_stat_statements_reset()", cancellationToken);
            for (var i = 0; i < _statementRequests; i++)
            {
                using var response = await us.GetAsync(path, cancellationToken);
                response.EnsureSuccessStatusCode();
                await response.Content.CopyToAsync(Stream.Null, cancellationToken);
            }

            var (calls, texts) = await CountWhenQuietAsync(connection, cancellationToken);
            var perList = Math.Round(calls / (double)_statementRequests, 2);
            var limit = name == "empty" ? 2 : _statementsLimit;
            run.StatementsPerList.Add(new StatementCount(name, path, _statementRequests, perList, texts));
            run.Checks.Add(new CheckResult($"statements-per-list-{name}", $"PostgreSQL statements per request of {path}", perList, limit, perList <= limit));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  statements per list, {name}: {perList:N2} ({calls} in {_statementRequests} requests)"));
            foreach (var text in texts)
            {
                Console.Error.WriteLine("    " + text);
            }
        }
    }

    /// <summary>
    /// <see cref="CountAsync"/> taken while no other session of the database is inside a transaction, before and after
    /// the count: a background read transaction caught between its BEGIN and its compaction read would be counted as
    /// the search path's (session 19's full run counted 43 statements for 40 continued pages that way).
    /// </summary>
    private static async Task<(long Calls, List<string> Texts)> CountWhenQuietAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var quietBefore = await WaitForQuietAsync(connection, cancellationToken);
            var count = await CountAsync(connection, cancellationToken);
            if ((quietBefore && await OthersInTransactionAsync(connection, cancellationToken) == 0) || attempt == 5)
            {
                return count;
            }
        }
    }

    /// <summary>Waits up to 2 s until no other session of the database is inside a transaction; false if one still is.</summary>
    private static async Task<bool> WaitForQuietAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (2 * Stopwatch.Frequency);
        while (await OthersInTransactionAsync(connection, cancellationToken) > 0)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(10, cancellationToken);
        }

        return true;
    }

    private static async Task<long> OthersInTransactionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
              AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')
            """, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>The search path's statements since the reset (attributed as <see cref="StatementsAsync"/> says), and the most frequent texts.</summary>
    private static async Task<(long Calls, List<string> Texts)> CountAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        long calls;
        await using (var command = new NpgsqlCommand("""
            SELECT coalesce(sum(calls) FILTER (WHERE query ILIKE '%FROM resources r %'), 0),
                   coalesce(sum(calls) FILTER (WHERE query ILIKE 'SELECT value FROM storage_revision%'), 0),
                   coalesce(sum(calls) FILTER (WHERE query ILIKE 'BEGIN ISOLATION LEVEL REPEATABLE READ%'), 0),
                   coalesce(sum(calls) FILTER (WHERE query ILIKE '%FROM api_object_compaction%'), 0)
            FROM pg_stat_statements
            """, connection))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (search, revisions, transactions, polls) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            calls = search + Math.Max(0, revisions - polls) + (2 * Math.Max(0, transactions - polls));
        }

        var texts = new List<string>();
        await using (var command = new NpgsqlCommand("""
            SELECT calls, left(regexp_replace(query, '\s+', ' ', 'g'), 140) FROM pg_stat_statements
            WHERE query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE '%pg_stat_activity%' AND query NOT ILIKE 'DISCARD ALL%'
            ORDER BY calls DESC LIMIT 6
            """, connection))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                texts.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetInt64(0)}× {reader.GetString(1)}"));
            }
        }

        return (calls, texts);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string> FirstPodNamespaceAsync(HttpClient us, CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync(us, _search + "/api/v1/pods?limit=1", cancellationToken);
        return document.RootElement.GetProperty("items")[0].GetProperty("metadata").GetProperty("namespace").GetString()
            ?? throw new InvalidOperationException("a pod without namespace");
    }

    /// <summary>The path of the second page of 100 pods of member-1 (keyset continue), and of one pod by name.</summary>
    private static async Task<(string Continued, string One)> SecondPageAndOneObjectAsync(HttpClient us, CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync(us, _search + "/api/v1/pods?clusters=member-1&limit=100", cancellationToken);
        var token = document.RootElement.GetProperty("metadata").GetProperty("continue").GetString();
        var metadata = document.RootElement.GetProperty("items")[0].GetProperty("metadata");
        return (_search + "/api/v1/pods?clusters=member-1&limit=100&continue=" + Uri.EscapeDataString(token ?? ""),
            $"{_search}/clusters/member-1/api/v1/namespaces/{metadata.GetProperty("namespace").GetString()}/pods/{metadata.GetProperty("name").GetString()}");
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
    }
}
