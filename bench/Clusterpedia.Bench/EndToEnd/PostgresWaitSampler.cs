using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Clusterpedia.Bench.EndToEnd;

/// <summary>
/// What PostgreSQL's processes wait on during S4, second by second: every 100 ms, <c>pg_stat_activity</c>'s active
/// client backends by wait event (CPU when none) and the background processes that are not idling in their main loop
/// (a checkpointer writing or syncing, an autovacuum worker, the WAL writer). Each second's line gives the average
/// number of processes in each state over its samples, to be read beside that second's lag p99. Each sample also
/// reads the oldest snapshot or transaction id a process holds (the horizon below which old row versions can go).
/// </summary>
internal static class PostgresWaitSampler
{
    private const string _sample = """
        SELECT CASE backend_type WHEN 'client backend' THEN '' ELSE backend_type || ' ' END || COALESCE(wait_event_type || ':' || wait_event, 'CPU'),
               count(*)
        FROM pg_stat_activity
        WHERE pid <> pg_backend_pid()
          AND ((backend_type = 'client backend' AND state = 'active')
               OR (backend_type <> 'client backend' AND COALESCE(wait_event, '') NOT IN
                   ('CheckpointerMain', 'BgWriterMain', 'BgWriterHibernate', 'WalWriterMain', 'AutoVacuumMain', 'LogicalLauncherMain', 'ArchiverMain')))
        GROUP BY 1
        """;

    private const string _oldest = """
        SELECT greatest(age(backend_xmin), age(backend_xid)),
               CASE backend_type WHEN 'client backend' THEN '' ELSE backend_type || ': ' END || left(regexp_replace(query, '\s+', ' ', 'g'), 60)
        FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)
        ORDER BY 1 DESC
        LIMIT 1
        """;

    /// <summary>One sample: its time, the processes by state, and the oldest snapshot's age in transaction ids and holder.</summary>
    public sealed record Sample(long Timestamp, Dictionary<string, long> States, long OldestAge, string? OldestHolder);

    /// <summary>Samples from now until <paramref name="stop"/> is cancelled: each sample's time and its count of processes by state.</summary>
    public static async Task<List<Sample>> SampleAsync(string connectionString, CancellationToken stop)
    {
        var samples = new List<Sample>();
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(stop);
            await using var command = new NpgsqlCommand(_sample, connection);
            await using var oldest = new NpgsqlCommand(_oldest, connection);
            while (!stop.IsCancellationRequested)
            {
                var states = new Dictionary<string, long>(StringComparer.Ordinal);
                var timestamp = Stopwatch.GetTimestamp();
                await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
                {
                    while (await reader.ReadAsync(CancellationToken.None))
                    {
                        states[reader.GetString(0)] = reader.GetInt64(1);
                    }
                }

                var (age, holder) = (0L, (string?)null);
                await using (var reader = await oldest.ExecuteReaderAsync(CancellationToken.None))
                {
                    if (await reader.ReadAsync(CancellationToken.None) && !reader.IsDBNull(0))
                    {
                        (age, holder) = (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1));
                    }
                }

                samples.Add(new Sample(timestamp, states, age, holder));
                await Task.Delay(100, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        catch (NpgsqlException)
        {
            // the server went away (a failed run): what was sampled stands
        }

        return samples;
    }

    /// <summary>
    /// One line per second from <paramref name="start"/> (the churn's first write): <c>s12: 2.4 CPU, 0.8
    /// LWLock:WALWrite, ...</c>, the average number of processes in each state over that second's samples, at most
    /// eight states, most first. Samples before the start are left out.
    /// </summary>
    public static List<string> BySecond(IReadOnlyList<Sample> samples, long start) =>
        [.. samples.Where(s => s.Timestamp >= start)
            .GroupBy(s => (int)Stopwatch.GetElapsedTime(start, s.Timestamp).TotalSeconds)
            .OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture,
                $"s{g.Key}: {string.Join(", ", g.SelectMany(s => s.States).GroupBy(s => s.Key, StringComparer.Ordinal)
                    .Select(state => (state.Key, Average: (double)state.Sum(s => s.Value) / g.Count()))
                    .OrderByDescending(state => state.Average).Take(8).Select(state => $"{state.Average:0.0} {state.Key}"))}"))];

    /// <summary>
    /// One line per second from <paramref name="start"/>: <c>s12: 417 xids, autovacuum worker: autovacuum: VACUUM
    /// ANALYZE public.resources</c>, the oldest snapshot seen in that second's samples and who held it.
    /// </summary>
    public static List<string> OldestSnapshotBySecond(IReadOnlyList<Sample> samples, long start) =>
        [.. samples.Where(s => s.Timestamp >= start)
            .GroupBy(s => (int)Stopwatch.GetElapsedTime(start, s.Timestamp).TotalSeconds)
            .OrderBy(g => g.Key)
            .Select(g => g.MaxBy(s => s.OldestAge)!)
            .Select(s => string.Create(CultureInfo.InvariantCulture,
                $"s{(int)Stopwatch.GetElapsedTime(start, s.Timestamp).TotalSeconds}: {s.OldestAge} xids, {s.OldestHolder ?? "none"}"))];
}
