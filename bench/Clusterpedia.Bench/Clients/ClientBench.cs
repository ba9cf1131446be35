using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Bench.Results;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Bench.Clients;

/// <summary>
/// <c>Clusterpedia.Bench --clients</c> (issue 16): our raw list/watch client against KubernetesClient's generic and
/// typed paths on the same simulated member. This process holds the member (a KubeSim over HTTPS with a token) and
/// starts one child process per path, so that each path's allocations and peak memory are its own. A child lists every
/// pod in pages of 500, as the synchro does; this process then writes the changes (an annotation on the first M pods,
/// straight into the member's store) and the child watches them from the list's resourceVersion, so the watch figures
/// are the client's decoding rate, not the write rate.
/// </summary>
internal static class ClientBench
{
    private static readonly GroupVersionResource _pods = new("", "v1", "pods");
    private static readonly string[] _allPaths = ["raw", "generic", "typed"];

    public const string Usage = """
        Clusterpedia.Bench --clients [--objects N] [--changes M] [--paths raw,generic,typed] [--limit 500] [--output FILE]
          lists N pods (default 100000) of one simulated member and watches M changes (default 10000) through each path,
          each path in a fresh child process; prints a Markdown table, and writes the figures as JSON to FILE if given.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        if (options.TryGetValue("--child", out var childPath))
        {
            return await ClientBenchChild.RunAsync(childPath, new Uri(options["--server"]), options["--token"],
                await File.ReadAllTextAsync(options["--ca"]), Int(options, "--limit", 500), Int(options, "--changes", 10_000));
        }

        var objects = Int(options, "--objects", 100_000);
        var changes = Int(options, "--changes", 10_000);
        var limit = Int(options, "--limit", 500);
        var paths = options.TryGetValue("--paths", out var p) ? p.Split(',', StringSplitOptions.RemoveEmptyEntries) : _allPaths;
        if (objects < 1 || changes < 1 || limit < 1 || paths.Any(x => !_allPaths.Contains(x)))
        {
            throw new ArgumentException("--objects, --changes and --limit must be positive; --paths takes raw, generic, typed");
        }

        var namespaces = (objects + 99) / 100;
        Console.Error.WriteLine($"==> clients: one member with {namespaces} namespaces × 10 deployments × 10 pods, {changes:N0} changes watched, pages of {limit}; load average {MachineInfo.LoadAverage()}");
        var generate = Stopwatch.StartNew();
        await using var member = await SimulatedCluster.StartAsync(new SimulatorOptions
        {
            ClusterName = "clients-bench",
            Tls = true,
            Token = "bench-clients-token",
            Seed = 1,
            Namespaces = namespaces,
            DeploymentsPerNamespace = 10,
            PodsPerDeployment = 10,
            Nodes = 10,
            RunControllers = false,
            HistoryCapacity = Math.Max(100_000, changes * 2),
            WatchQueueCapacity = Math.Max(100_000, changes * 2),
        });
        var targets = member.Store.List(_pods)
            .Select(pod => (Namespace: pod["metadata"]!["namespace"]!.GetValue<string>(), Name: pod["metadata"]!["name"]!.GetValue<string>()))
            .Take(changes).ToArray();
        Console.Error.WriteLine($"  member: {member.Store.Count(_pods):N0} pods, generated in {generate.Elapsed.TotalSeconds:N1} s");
        if (targets.Length < changes)
        {
            throw new ArgumentException($"--changes {changes} is more than the {targets.Length} pods");
        }

        var caFile = Path.Combine(Path.GetTempPath(), $"clients-bench-{Environment.ProcessId}.crt");
        await File.WriteAllTextAsync(caFile, member.CaCertificatePem);
        var results = new List<ClientPathResult>();
        try
        {
            // Every run writes stamps of one length, and the pods carry one before the first list: each path lists the
            // same bytes, and each run's writes are changes (a write of the value a pod already holds would be none).
            Stamp(member, targets, 0);
            for (var i = 0; i < paths.Length; i++)
            {
                results.Add(await RunChildAsync(paths[i], member, caFile, limit, targets, i + 1));
            }
        }
        finally
        {
            File.Delete(caFile);
        }

        var loadAtEnd = MachineInfo.LoadAverage();
        Console.WriteLine(Render(results, limit, loadAtEnd));
        if (options.TryGetValue("--output", out var output))
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(results, ClientBenchJsonContext.Default.ListClientPathResult) + "\n");
        }

        var expected = member.Store.Count(_pods);
        return results.All(r => r.Objects == expected && r.Events == changes) ? 0 : 1;
    }

    private static async Task<ClientPathResult> RunChildAsync(
        string path, SimulatedCluster member, string caFile, int limit, (string Namespace, string Name)[] targets, int run)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ClientBench).Assembly.Location);
        }

        foreach (var argument in new[]
        {
            "--clients", "--child", path, "--server", member.Url.ToString(), "--token", member.Token!, "--ca", caFile,
            "--limit", limit.ToString(CultureInfo.InvariantCulture), "--changes", targets.Length.ToString(CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(argument);
        }

        Console.Error.WriteLine($"  {path}: listing in a child process");
        using var child = Process.Start(info) ?? throw new InvalidOperationException("the child process did not start");
        try
        {
            var line = await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException($"{path}: the child ended before listing");
            if (!line.StartsWith("listed ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{path}: unexpected line from the child: {line}");
            }

            Stamp(member, targets, run);
            Console.Error.WriteLine($"  {path}: {targets.Length:N0} pods changed; watching");
            await child.StandardInput.WriteLineAsync("go");
            await child.StandardInput.FlushAsync();
            line = await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException($"{path}: the child ended before its result");
            if (!line.StartsWith("result ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{path}: unexpected line from the child: {line}");
            }

            await child.WaitForExitAsync();
            if (child.ExitCode != 0)
            {
                throw new InvalidOperationException($"{path}: the child exited with {child.ExitCode}");
            }

            return JsonSerializer.Deserialize(line["result ".Length..], ClientBenchJsonContext.Default.ClientPathResult)!;
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }
    }

    private static void Stamp(SimulatedCluster member, (string Namespace, string Name)[] targets, int run)
    {
        var stamp = string.Create(CultureInfo.InvariantCulture, $"run-{run:D2}-{Environment.TickCount64:D16}");
        foreach (var (ns, name) in targets)
        {
            member.Store.Update(_pods, ns, name, pod =>
            {
                var metadata = pod["metadata"]!.AsObject();
                if (metadata["annotations"] is not JsonObject annotations)
                {
                    metadata["annotations"] = annotations = [];
                }

                annotations["bench.clusterpedia.io/clients"] = stamp;
                return pod;
            });
        }
    }

    private static string Render(List<ClientPathResult> results, int limit, string? loadAtEnd)
    {
        var lines = new List<string>
        {
            $"| path | objects listed (pages of {limit}) | list objects/s | list CPU µs/object | list allocated bytes/object | watch events | watch events/s | watch CPU µs/event | watch allocated bytes/event | working set before list | peak working set (sampled) | VmHWM |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        };
        foreach (var r in results)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Path} | {r.Objects:N0} ({r.ListBytes / Math.Max(1, r.Objects):N0} B JSON each) | {r.Objects / r.ListSeconds:N0} | {r.ListCpuSeconds * 1e6 / Math.Max(1, r.Objects):N1} | {r.ListAllocatedBytes / (double)Math.Max(1, r.Objects):N0} | {r.Events:N0} | {r.Events / r.WatchSeconds:N0} | {r.WatchCpuSeconds * 1e6 / Math.Max(1, r.Events):N1} | {r.WatchAllocatedBytes / (double)Math.Max(1, r.Events):N0} | {r.BaselineWorkingSet / 1048576.0:N0} MiB | {r.PeakWorkingSetSampled / 1048576.0:N0} MiB | {r.PeakWorkingSet / 1048576.0:N0} MiB |"));
        }

        lines.Add($"load average at the end: {loadAtEnd}");
        return string.Join(Environment.NewLine, lines);
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"--clients: '{args[i]}' is not an option followed by its value");
            }

            options[args[i]] = args[++i];
        }

        return options;
    }

    private static int Int(Dictionary<string, string> options, string name, int fallback) =>
        !options.TryGetValue(name, out var value) ? fallback
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new ArgumentException($"{name}: '{value}' is not a whole number");
}
