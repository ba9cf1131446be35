using System.Globalization;
using System.Text.Json;

namespace Clusterpedia.Bench.Results;

/// <summary>
/// How long the full run (the default options) should take, extrapolated phase by phase from the rates this run
/// measured: loads scale with rows over the measured objects/s, S1 with objects over the measured sync rate, query
/// phases are bounded by their time budgets. On a loaded machine the measured rates are low, so this errs long.
/// </summary>
internal sealed class FullRunEstimate
{
    private const double _largeTableSlowdown = 0.55;

    public double PostgresLoadSeconds { get; init; }
    public double PostgresVacuumSeconds { get; init; }
    public double MySqlLoadSeconds { get; init; }
    public double SearchOverHttpSeconds { get; init; }
    public double SqliteSeconds { get; init; }
    public double EndToEndSeconds { get; init; }
    public double TotalSeconds { get; init; }
    public required string Basis { get; init; }

    /// <summary>
    /// The line to print as a run starts. A full run: the estimate the newest earlier full run at the default sizes made
    /// (measured at scale), else the newest estimate of any other run (a quick or custom-sized run's, extrapolated), never
    /// one of a 10M-row run. A <c>--scale 10m</c> run: how long the newest earlier 10M-row run took. A quick run: nothing.
    /// </summary>
    public static string? ForStart(BenchOptions options, string resultsDirectory)
    {
        if (options.Quick || !Directory.Exists(resultsDirectory))
        {
            return null;
        }

        var c = CultureInfo.InvariantCulture;
        var reports = new List<(string File, JsonElement Root)>();
        foreach (var file in new DirectoryInfo(resultsDirectory).GetFiles("*.json").OrderByDescending(f => f.LastWriteTimeUtc))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(file.FullName));

                // Other modes write other shapes (--clients: an array; --scale-out: no options); only a run's report counts.
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("options", out _))
                {
                    reports.Add((file.Name, document.RootElement.Clone()));
                }
            }
            catch (JsonException)
            {
                // not a results file
            }
        }

        if (options.Scale == BenchOptions.TenMillion)
        {
            return reports.Where(r => IsTenMillionRows(r.Root)).Select(r => (r.File, Minutes: Duration(r.Root)))
                .FirstOrDefault(r => r.Minutes > 0) is { File: not null } last
                ? string.Create(c, $"expected duration of this 10M-row run: about {last.Minutes:N0} minutes (the run of {last.File} took that long)")
                : null;
        }

        var full = BenchOptions.Parse([]);
        var candidates = reports.Where(r => !IsTenMillionRows(r.Root) && r.Root.TryGetProperty("fullRunEstimate", out var e) && e.TryGetProperty("totalSeconds", out _)).ToList();
        var best = candidates.FirstOrDefault(r => Text(r.Root, "mode") == "full" && Rows(r.Root, "postgresRows") == full.PostgresRows);
        if (best.File is null)
        {
            best = candidates.FirstOrDefault();
        }

        if (best.File is null)
        {
            return null;
        }

        var estimate = best.Root.GetProperty("fullRunEstimate");
        var extrapolated = Text(best.Root, "mode") == "full" && Rows(best.Root, "postgresRows") == full.PostgresRows ? "" : ", extrapolated from a smaller run";
        return string.Create(c,
            $"expected duration of this full run: about {estimate.GetProperty("totalSeconds").GetDouble() / 60:N0} minutes (estimated by {best.File}{extrapolated}, {estimate.GetProperty("basis").GetString()})");
    }

    /// <summary>A run at issue 18's 10M scale: <c>--scale 10m</c>, or the same sizes given one by one.</summary>
    private static bool IsTenMillionRows(JsonElement root) =>
        Text(root, "mode") == BenchOptions.TenMillion || Rows(root, "postgresRows") >= Issue18Targets.LargeTableRows;

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Rows(JsonElement root, string name) =>
        root.GetProperty("options").TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    private static double Duration(JsonElement root) =>
        root.TryGetProperty("startedAt", out var start) && root.TryGetProperty("finishedAt", out var end)
            && start.TryGetDateTimeOffset(out var from) && end.TryGetDateTimeOffset(out var to)
            ? (to - from).TotalMinutes
            : 0;

    public static FullRunEstimate? From(BenchReport report)
    {
        var full = BenchOptions.Parse([]);
        var pg = report.Runs.FirstOrDefault(r => r.Engine == "postgres" && r.Load is not null);
        var sqlite = report.Runs.FirstOrDefault(r => r.Engine == "sqlite" && r.Load is not null);
        var mysql = report.Runs.FirstOrDefault(r => r.Engine == "mysql" && r.Load is not null);
        if (pg?.Load is not { ObjectsPerSecond: > 0 } pgLoad)
        {
            return null;
        }

        // A larger table loads slower than the full run's and a 10M-row run skips the other engines: its rates would
        // mislead an estimate of the full run.
        if (report.Mode == BenchOptions.TenMillion || pg.Rows > full.PostgresRows)
        {
            return null;
        }

        // Upserts slow down as the table and its indexes grow: at 1M rows issue 5 measured 0.56× the rate at 40k rows.
        // Plus a tenth for generation and verification beside the upserts.
        var scaleDown = pg.Rows >= full.PostgresRows / 2 ? 1.0 : _largeTableSlowdown;
        var pgLoadSeconds = full.PostgresRows / (pgLoad.ObjectsPerSecond * scaleDown) * 1.1;
        var vacuum = (pg.AnalyzeSeconds ?? 0) * full.PostgresRows / pg.Rows;

        // S2: 11 queries, 4 modes each (API and SQL at two concurrencies), each bounded by its budget plus a quarter
        // for warm-up; page 1 and page 1000 share a budget each; plus the walk to page 1000 (~10 ms a page) and start-up.
        var search = 12 * 4 * full.SearchBudgetSeconds * 1.25 + 1000 * 0.012 + 15;

        // MySQL: its load as PostgreSQL's (same slow-down with size), ANALYZE included, plus its own S2.
        var mysqlSeconds = mysql?.Load is { ObjectsPerSecond: > 0 } mysqlLoad
            ? full.MySqlRows / (mysqlLoad.ObjectsPerSecond * (mysql.Rows >= full.MySqlRows / 2 ? 1.0 : _largeTableSlowdown)) * 1.1
                + (mysql.AnalyzeSeconds ?? 0) * full.MySqlRows / mysql.Rows
            : 0;
        var sqliteSeconds = sqlite?.Load is { ObjectsPerSecond: > 0 } sqliteLoad
            ? full.SqliteRows / sqliteLoad.ObjectsPerSecond * 1.1 + 13 * full.ScenarioBudgetSeconds * 1.25 + 30
            : 0;

        double endToEnd = 0;
        var memberObjects = (double)full.EndToEndClusters * full.EndToEndNamespaces * full.EndToEndDeployments * (full.EndToEndPods + 3);
        foreach (var run in report.EndToEnd.Where(r => r.SyncObjectsPerSecond > 0))
        {
            var scale = memberObjects / Math.Max(1, run.MemberObjects);

            // Sync at the measured rate; start-up, S3, S5 settling and the S4 drain as measured; S4 at its full length.
            var fixedSeconds = run.TotalSeconds - run.SyncSeconds - (run.Churn?.Seconds ?? 0);
            endToEnd += memberObjects / run.SyncObjectsPerSecond + Math.Max(0, fixedSeconds) + full.ChurnSeconds;
            endToEnd += run.MembersGenerationSeconds * scale;
        }

        var total = pgLoadSeconds + vacuum + search + (mysqlSeconds > 0 ? mysqlSeconds + search : 0) + sqliteSeconds + endToEnd + 60; // + the build
        return new FullRunEstimate
        {
            PostgresLoadSeconds = Math.Round(pgLoadSeconds),
            PostgresVacuumSeconds = Math.Round(vacuum),
            MySqlLoadSeconds = Math.Round(mysqlSeconds),
            SearchOverHttpSeconds = Math.Round(search),
            SqliteSeconds = Math.Round(sqliteSeconds),
            EndToEndSeconds = Math.Round(endToEnd),
            TotalSeconds = Math.Round(total),
            Basis = $"from this run's rates: PostgreSQL {pgLoad.ObjectsPerSecond:N0} objects/s (taken ×{scaleDown:N2} for a full table), SQLite {sqlite?.Load?.ObjectsPerSecond ?? 0:N0}/s, MySQL {mysql?.Load?.ObjectsPerSecond ?? 0:N0}/s, " +
                $"S1 {string.Join(", ", report.EndToEnd.Select(r => $"{r.Engine} {r.SyncObjectsPerSecond:N0}/s"))}; load average at start {report.Machine.LoadAverageAtStart}",
        };
    }
}
