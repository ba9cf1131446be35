using System.Runtime.InteropServices;
using System.Text.Json;
using Clusterpedia.Bench;
using Clusterpedia.Bench.EndToEnd;
using Clusterpedia.Bench.Results;
using Clusterpedia.Storage;

// The benchmark of issues 5 and 8: loads a realistic multi-cluster data set into each engine through IResourceStorage
// and searches it through the HTTP API of the real server (S2, with the raw-SQL floor), then runs the end-to-end
// scenarios against simulated member clusters (S1 sync, S3 members-direct, S4 churn lag, S5 memory and disk per
// object), writes the results JSON and prints the tables. Exit code 0 only when every scenario completed.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(args[0] == "--scale-out" ? Clusterpedia.Bench.ScaleOut.ScaleOutOptions.Usage : BenchOptions.Usage);
    return 0;
}

// The cost of Lua workload plugins per pod (docs/benchmarks.md): a separate, quick measurement.
if (args.Length > 0 && args[0] == "--plugins")
{
    return await Clusterpedia.Bench.Plugins.PluginBench.RunAsync(
        args.Length > 1 ? args[1] : Path.Combine("examples", "plugins", "opengauss.lua"), args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
}

// KubernetesClient against our raw list/watch client (issue 16, docs/benchmarks.md "Clients"): a separate measurement.
if (args.Length > 0 && args[0] == "--clients")
{
    try
    {
        return await Clusterpedia.Bench.Clients.ClientBench.RunAsync(args);
    }
    catch (ArgumentException e)
    {
        await Console.Error.WriteLineAsync(e.Message + Environment.NewLine + Clusterpedia.Bench.Clients.ClientBench.Usage);
        return 2;
    }
}

// Roles, sharded synchros and API replicas on one PostgreSQL (issue 17, docs/benchmarks.md "Scale-out").
if (args.Length > 0 && args[0] == "--scale-out")
{
    try
    {
        return await Clusterpedia.Bench.ScaleOut.ScaleOutBench.RunAsync(args);
    }
    catch (ArgumentException e)
    {
        await Console.Error.WriteLineAsync(e.Message + Environment.NewLine + Clusterpedia.Bench.ScaleOut.ScaleOutOptions.Usage);
        return 2;
    }
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message + Environment.NewLine + BenchOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine($"{context.Signal}: stopping (the database server is shut down on the way out)");
    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

var report = new BenchReport
{
    Command = "Clusterpedia.Bench " + string.Join(' ', args),
    Mode = options.Mode,
    StartedAt = DateTimeOffset.UtcNow,
    Machine = MachineInfo.Read(),
    Options = options,
};

if (FullRunEstimate.ForStart(options, Path.Combine("bench", "results")) is { } earlier)
{
    Console.Error.WriteLine(earlier);
}

try
{
    foreach (var (engine, rows) in new[] { (StorageOptions.Postgres, options.PostgresRows), (StorageOptions.MySql, options.MySqlRows), (StorageOptions.Sqlite, options.SqliteRows) })
    {
        if (rows > 0)
        {
            report.Runs.Add(await StorageBench.RunAsync(engine, rows, options, stop.Token));
        }
    }

    if (options.EndToEndClusters > 0)
    {
        report.EndToEnd.AddRange(await EndToEndBench.RunAllAsync(options, stop.Token));
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("cancelled: results are incomplete");
    return 130;
}

report.FinishedAt = DateTimeOffset.UtcNow;
report.FullRunEstimate = FullRunEstimate.From(report);
report.LoadAverageAtEnd = MachineInfo.LoadAverage();
var output = options.Output ?? Path.Combine("bench", "results", $"{report.StartedAt:yyyy-MM-dd}{(options.Mode == "full" ? "" : "-" + options.Mode)}.json");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport) + "\n");

Console.WriteLine(SummaryPrinter.Render(report));
Console.WriteLine($"results: {output}");
if (!report.Succeeded)
{
    await Console.Error.WriteLineAsync("some scenarios did not complete: see the failures above");
    return 1;
}

return 0;
