using System.Globalization;
using System.Text;
using Clusterpedia.Bench.Search;

namespace Clusterpedia.Bench.Results;

/// <summary>Renders a report as the Markdown tables docs/benchmarks.md carries.</summary>
internal static class SummaryPrinter
{
    public static string Render(BenchReport report)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Machine: {report.Machine.Cpu}, {report.Machine.LogicalCores} logical cores, {report.Machine.MemoryGiB} GiB, {report.Machine.Os}, {report.Machine.Runtime}; load average {report.Machine.LoadAverageAtStart} at start, {report.LoadAverageAtEnd} at the end");
        foreach (var run in report.Runs)
        {
            text.AppendLine();
            text.AppendLine(c, $"### {run.Engine}{(run.ServerVersion is { } version ? " " + version : "")}, {run.Rows:N0} rows ({run.Clusters} clusters × {run.Namespaces} namespaces × {run.DeploymentsPerNamespace} deployments; {run.PodsPerDeployment} pods + 1 replicaset each)");
            if (report.Options.PostgresSettings.Count > 0 && run.Engine == "postgres")
            {
                text.AppendLine(c, $"Ablation: PostgreSQL settings added: {string.Join(", ", report.Options.PostgresSettings)}.");
            }

            if (run.DroppedIndexes.Count > 0)
            {
                text.AppendLine(c, $"Ablation: indexes dropped before the load: {string.Join(", ", run.DroppedIndexes)}.");
            }

            text.AppendLine();
            if (run.Load is { } load)
            {
                text.AppendLine(c, $"Upsert, batches of {load.BatchSize}: **{load.ObjectsPerSecond:N0} objects/s** over {load.Objects:N0} objects ({load.Seconds:N1} s inside UpsertAsync; last tenth {load.LastTenthObjectsPerSecond:N0}/s; batch p50 {load.BatchP50Ms:N1} ms, p95 {load.BatchP95Ms:N1} ms, p99 {load.BatchP99Ms:N1} ms).");
                text.AppendLine(c, $"Average pod JSON {load.AveragePodJsonBytes:N0} bytes; raw JSON {load.RawJsonBytes / 1048576.0:N0} MiB; stored {run.StoredBytes / 1048576.0:N0} MiB with indexes ({run.StoredBytesPerObject:N0} bytes/object){(run.AnalyzeSeconds is { } a ? string.Create(c, $"; {(run.Engine == "mysql" ? "ANALYZE TABLE" : "VACUUM ANALYZE")} after the load {a:N1} s") : "")}.");
                text.AppendLine();
            }

            if (run.HttpSearch is { } search)
            {
                RenderSearch(text, search);
            }

            if (run.Queries.Count > 0)
            {
                text.AppendLine(run.HttpSearch is null ? "In-process against the storage (no HTTP):" : "\nIn-process against the storage (no HTTP):");
                text.AppendLine();
            }
            else
            {
                foreach (var failure in run.Failures)
                {
                    text.AppendLine(c, $"FAILURE: {failure}");
                }

                continue;
            }

            text.AppendLine("| query | p50 ms | p95 ms | p99 ms | runs | target p95 | met |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
            foreach (var q in run.Queries)
            {
                text.AppendLine(q.Completed
                    ? string.Create(c, $"| `{q.Name}` {q.Description} | {q.P50Ms:N2} | {q.P95Ms:N2} | {q.P99Ms:N2} | {q.Repetitions} | {(q.TargetP95Ms is { } t ? t.ToString("N0", c) : "—")} | {(q.MeetsTarget is { } m ? (m ? "yes" : "**no**") : "—")} |")
                    : $"| `{q.Name}` {q.Description} | failed: {q.Error} | | | | | |");
            }

            foreach (var failure in run.Failures)
            {
                text.AppendLine(c, $"FAILURE: {failure}");
            }
        }

        foreach (var e2e in report.EndToEnd)
        {
            text.AppendLine();
            text.AppendLine(c, $"### End to end through the server on {e2e.Engine}: {e2e.Clusters} simulated clusters × {e2e.NamespacesPerCluster} namespaces × {e2e.DeploymentsPerNamespace} deployments × {e2e.PodsPerDeployment} pods");
            if (report.Options.MySqlSettings.Count > 0 && e2e.Engine == "mysql")
            {
                text.AppendLine(c, $"Ablation: MariaDB options set: {string.Join(", ", report.Options.MySqlSettings)}.");
            }

            if (report.Options.ServerEnvironment.Count > 0)
            {
                text.AppendLine(c, $"Ablation: server environment: {string.Join(", ", report.Options.ServerEnvironment)}.");
            }
            text.AppendLine();
            text.AppendLine("| scenario | figure |");
            text.AppendLine("|---|---|");
            text.AppendLine(c, $"| S1 initial sync: PediaClusters created → all Ready and every member object searchable | {e2e.SyncedObjects:N0} of {e2e.MemberObjects:N0} objects in {e2e.SyncSeconds:N2} s = **{e2e.SyncObjectsPerSecond:N0} objects/s**{Target(e2e, "s1-sync-objects-per-s", "/s")} |");
            text.AppendLine(c, $"| S1 peak RSS of the server process (VmHWM) | {e2e.ServerPeakRssBytes / 1048576.0:N0} MiB |");
            if (e2e.RssBytesPerObject is { } rss)
            {
                text.AppendLine(c, $"| S5 server RSS: empty → after sync | {e2e.EmptyServerRssBytes / 1048576.0:N0} MiB → {e2e.ServerRssAfterSyncBytes / 1048576.0:N0} MiB = **{rss:N0} bytes/object**{Target(e2e, "s5-rss-bytes-per-object", " bytes")} |");
                text.AppendLine(c, $"| S5 disk: {(e2e.Engine is "postgres" or "mysql" ? "resources table with indexes" : "database files")} over rows | {e2e.StoredBytes / 1048576.0:N1} MiB / {e2e.StoredRows:N0} = **{e2e.StoredBytesPerObject:N0} bytes/object**, raw JSON from the members {e2e.RawJsonBytesPerObject:N0} bytes/object ({e2e.StoredBytesPerObject / Math.Max(1, e2e.RawJsonBytesPerObject):N2}×){Target(e2e, "s5-stored-over-raw-json", "×")}{Target(e2e, "s5-stored-bytes-per-object", " bytes/object (Clusterpedia v0.7.2)")} |");
            }

            foreach (var q in new[] { e2e.DirectMerge, e2e.OneRequestToUs })
            {
                if (q is not null)
                {
                    text.AppendLine(c, $"| S3 `{q.Name}` {q.Description} | p50 {q.P50Ms:N2} ms, p95 {q.P95Ms:N2} ms, p99 {q.P99Ms:N2} ms ({q.Repetitions} runs) |");
                }
            }

            if (e2e.UsOverDirectP50 is { } ratio)
            {
                text.AppendLine(c, $"| S3 ratio us / direct-and-merge (p50) | {ratio:N2}{Target(e2e, "s3-us-over-direct-merge-p50", "×")} |");
            }

            if (e2e.Churn is { } churn)
            {
                text.AppendLine(c, $"| S4 churn: {churn.Writes:N0} pod writes at {churn.AchievedPerSecond:N0}/s (asked {churn.RequestedPerSecond:N0}/s) over {churn.Seconds:N0} s, {churn.Visible:N0} visible through our watch | lag p50 {churn.LagP50Ms:N0} ms, p95 {churn.LagP95Ms:N0} ms, **p99 {churn.LagP99Ms:N0} ms**, max {churn.LagMaxMs:N0} ms{Target(e2e, "s4-watch-lag-p99-ms", string.Create(c, $" ms at {churn.TargetPerSecond:N0} writes/s"))} |");
            }

            foreach (var round in e2e.UnpagedLists)
            {
                text.AppendLine(c, $"| unpaged list {round.Round} of every pod ({round.Bytes / 1048576.0:N0} MiB of JSON, {round.Seconds:N1} s) | server RSS {round.RssBeforeBytes / 1048576.0:N0} MiB → peak {round.PeakRssBytes / 1048576.0:N0} MiB → {round.RssAfterBytes / 1048576.0:N0} MiB after |");
            }

            foreach (var statements in e2e.StatementsPerList)
            {
                text.AppendLine(c, $"| statements per list `{statements.Name}` (pg_stat_statements, {statements.Requests} requests) | {statements.StatementsPerList:N2}: {string.Join("; ", statements.Statements.Select(t => t.Replace("|", "\\|", StringComparison.Ordinal)))} |");
            }

            foreach (var failure in e2e.Failures)
            {
                text.AppendLine(c, $"FAILURE: {failure}");
            }
        }

        RenderChecks(text, report);
        if (report.FullRunEstimate is { } estimate)
        {
            text.AppendLine();
            text.AppendLine(c, $"Full run estimate: **{estimate.TotalSeconds / 60:N0} minutes** (PostgreSQL load {estimate.PostgresLoadSeconds:N0} s, VACUUM {estimate.PostgresVacuumSeconds:N0} s, MySQL load {estimate.MySqlLoadSeconds:N0} s, S2 through HTTP ≤ {estimate.SearchOverHttpSeconds:N0} s per engine, SQLite {estimate.SqliteSeconds:N0} s, end to end {estimate.EndToEndSeconds:N0} s, build 60 s), {estimate.Basis}.");
        }

        text.AppendLine();
        text.AppendLine(c, $"Run time: {(report.FinishedAt - report.StartedAt).TotalSeconds:N0} s.");
        return text.ToString();
    }

    private static void RenderSearch(StringBuilder text, SearchRun search)
    {
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"S2 through the HTTP API (server child process on this database, loopback HTTP), beside the statement the storage emits run straight on {(search.Engine == "mysql" ? "MySQL" : "PostgreSQL")}; page {search.DeepPage} reached once by following continue tokens ({search.DeepPageWalkSeconds:N1} s). Server RSS {search.ServerRssBytes / 1048576.0:N0} MiB (peak {search.ServerPeakRssBytes / 1048576.0:N0} MiB). Milliseconds:");
        text.AppendLine();
        text.AppendLine(c, $"| query | API p50 | API p95 | API p99 | SQL p50 | SQL p95 | API/SQL p50 | c{HttpSearchBench.HighConcurrency} API p50 | p95 | p99 | c{HttpSearchBench.HighConcurrency} SQL p50 | c{HttpSearchBench.HighConcurrency} API/SQL p50 | p95 ≤ {Issue18Targets.PageP95MsFor(search.Engine, search.Rows):N0} (c1) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var q in search.Queries)
        {
            text.AppendLine(c, $"| `{q.Name}` {q.Description} | {Ms(q.ApiC1?.P50Ms)} | {Ms(q.ApiC1?.P95Ms)} | {Ms(q.ApiC1?.P99Ms)} | {Ms(q.SqlC1?.P50Ms)} | {Ms(q.SqlC1?.P95Ms)} | {Ratio(q.RatioP50C1)} | {Ms(q.ApiC16?.P50Ms)} | {Ms(q.ApiC16?.P95Ms)} | {Ms(q.ApiC16?.P99Ms)} | {Ms(q.SqlC16?.P50Ms)} | {Ratio(q.RatioP50C16)} | {(q.ApiC1?.MeetsTarget is { } m ? (m ? "yes" : "**no**") : "—")} |");
        }

        text.AppendLine();
        text.AppendLine(c, $"Runs at concurrency 1 / {HttpSearchBench.HighConcurrency} per query: {string.Join(", ", search.Queries.Select(q => $"{q.ApiC1?.Repetitions}/{q.ApiC16?.Repetitions}"))}.");
        foreach (var failure in search.Failures)
        {
            text.AppendLine(c, $"FAILURE: {failure}");
        }

        static string Ms(double? value) => value is { } v ? v.ToString("N2", CultureInfo.InvariantCulture) : "—";
        static string Ratio(double? value) => value is { } v ? v.ToString("N2", CultureInfo.InvariantCulture) : "—";
    }

    /// <summary>
    /// Every check of the run in one table, run by run: issue 18's targets (S2 p95 and API/SQL, page 1000 over page 1,
    /// S1, S3, S4, S5, idle RSS, memory across unpaged lists, statements per list), each met or missed with its figure.
    /// </summary>
    private static void RenderChecks(StringBuilder text, BenchReport report)
    {
        var rows = new List<(string Where, CheckResult Check)>();
        foreach (var run in report.Runs)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{run.Engine}, {run.Rows:N0} rows");
            rows.AddRange((run.HttpSearch?.Checks ?? []).Select(ch => (where + ", S2 through HTTP", ch)));
            rows.AddRange(run.Checks.Select(ch => (where + ", in-process", ch)));
        }

        foreach (var e2e in report.EndToEnd)
        {
            rows.AddRange(e2e.Checks.Select(ch => (e2e.Engine + ", end to end", ch)));
        }

        if (rows.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"### Targets (issue 18) and checks: {rows.Count(r => r.Check.Passed)} met, {rows.Count(r => !r.Check.Passed)} missed");
        text.AppendLine();
        text.AppendLine("| run | check | figure | target | met |");
        text.AppendLine("|---|---|---:|---:|---|");
        foreach (var (where, check) in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {where} | `{check.Name}` {check.Description.Replace("|", "\\|", StringComparison.Ordinal)} | {Figure(check.Value)} | {check.Symbol} {Figure(check.Limit)} | {(check.Passed ? "met" : "**missed**")} |");
        }
    }

    /// <summary>" — target ≤ 1,024 bytes: met" after a figure, from the run's check of that name (nothing without one).</summary>
    private static string Target(EndToEndRun run, string check, string unit) =>
        run.Checks.FirstOrDefault(ch => ch.Name == check) is { } found
            ? $" — target {found.Symbol} {Figure(found.Limit)}{unit}: {(found.Passed ? "met" : "**missed**")}"
            : "";

    private static string Figure(double value) =>
        value.ToString(Math.Abs(value) >= 100 ? "N0" : "0.##", CultureInfo.InvariantCulture);
}
