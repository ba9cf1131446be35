using System.Globalization;
using System.Text;

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
                text.AppendLine(c, $"Upsert, batches of {load.BatchSize}: **{load.ObjectsPerSecond:N0} objects/s** over {load.Objects:N0} objects ({load.Seconds:N1} s inside UpsertAsync; last tenth {load.LastTenthObjectsPerSecond:N0}/s; batch p50 {load.BatchP50Ms:N1} ms, p95 {load.BatchP95Ms:N1} ms, p99 {load.BatchP99Ms:N1} ms){Target(load.MeetsTarget, $"target ≥ {load.TargetObjectsPerSecond:N0}/s")}.");
                text.AppendLine(c, $"Average pod JSON {load.AveragePodJsonBytes:N0} bytes; raw JSON {load.RawJsonBytes / 1048576.0:N0} MiB; stored {run.StoredBytes / 1048576.0:N0} MiB with indexes ({run.StoredBytesPerObject:N0} bytes/object){(run.AnalyzeSeconds is { } a ? string.Create(c, $"; VACUUM ANALYZE after the load {a:N1} s") : "")}.");
                text.AppendLine();
            }

            text.AppendLine("| query | p50 ms | p95 ms | p99 ms | runs | target p95 | met |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
            foreach (var q in run.Queries)
            {
                text.AppendLine(q.Completed
                    ? string.Create(c, $"| `{q.Name}` {q.Description} | {q.P50Ms:N2} | {q.P95Ms:N2} | {q.P99Ms:N2} | {q.Repetitions} | {(q.TargetP95Ms is { } t ? t.ToString("N0", c) : "—")} | {(q.MeetsTarget is { } m ? (m ? "yes" : "**no**") : "—")} |")
                    : $"| `{q.Name}` {q.Description} | failed: {q.Error} | | | | | |");
            }

            foreach (var check in run.Checks)
            {
                text.AppendLine(c, $"Check {check.Name}: {check.Value:N2} (limit {check.Limit:N1}) {(check.Passed ? "passed" : "**failed**")}.");
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
            text.AppendLine();
            text.AppendLine("| scenario | figure |");
            text.AppendLine("|---|---|");
            text.AppendLine(c, $"| S1 initial sync: PediaClusters created → all Ready and every member object searchable | {e2e.SyncedObjects:N0} objects in {e2e.SyncSeconds:N2} s = **{e2e.SyncObjectsPerSecond:N0} objects/s** |");
            text.AppendLine(c, $"| S1 peak RSS of the bench process (server + simulators + harness, one process) | {e2e.ProcessPeakRssBytes / 1048576.0:N0} MiB |");
            foreach (var q in new[] { e2e.DirectMerge, e2e.OneRequestToUs })
            {
                if (q is not null)
                {
                    text.AppendLine(c, $"| S3 `{q.Name}` {q.Description} | p50 {q.P50Ms:N2} ms, p95 {q.P95Ms:N2} ms, p99 {q.P99Ms:N2} ms ({q.Repetitions} runs) |");
                }
            }

            if (e2e.UsOverDirectP50 is { } ratio)
            {
                text.AppendLine(c, $"| S3 ratio us / direct-and-merge (p50) | {ratio:N2} |");
            }

            foreach (var failure in e2e.Failures)
            {
                text.AppendLine(c, $"FAILURE: {failure}");
            }
        }

        return text.ToString();
    }

    private static string Target(bool? met, string target) => met switch
    {
        true => $" — {target}: met",
        false => $" — {target}: **missed**",
        null => "",
    };
}
