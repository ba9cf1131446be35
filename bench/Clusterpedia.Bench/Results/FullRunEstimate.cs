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

    /// <summary>The estimate the newest earlier results file made, as a line to print before a full run starts.</summary>
    public static string? FromEarlierRun(string resultsDirectory)
    {
        if (!Directory.Exists(resultsDirectory))
        {
            return null;
        }

        foreach (var file in new DirectoryInfo(resultsDirectory).GetFiles("*.json").OrderByDescending(f => f.LastWriteTimeUtc))
        {
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(file.FullName));
                // Other modes write other shapes (--clients: an array); only a run's report has an estimate.
                if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                    && document.RootElement.TryGetProperty("fullRunEstimate", out var estimate)
                    && estimate.TryGetProperty("totalSeconds", out var total))
                {
                    return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"expected duration of this full run: about {total.GetDouble() / 60:N0} minutes (estimated by {file.Name}, {estimate.GetProperty("basis").GetString()})");
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // not a results file
            }
        }

        return null;
    }

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
