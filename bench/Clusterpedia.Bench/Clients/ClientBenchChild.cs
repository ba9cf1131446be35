using System.Diagnostics;
using System.Text.Json;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.Bench.Clients;

/// <summary>
/// One client path in its own process, so that allocations and peak memory are that path's alone: lists every pod,
/// prints <c>listed &lt;rv&gt;</c>, waits for a line on stdin (the parent has then made the changes), watches them from
/// the list's resourceVersion, and prints <c>result &lt;json&gt;</c>.
/// </summary>
internal static class ClientBenchChild
{
    public static async Task<int> RunAsync(string path, Uri server, string token, string caPem, int limit, long changes)
    {
        using IClientPath client = path switch
        {
            "raw" => new RawClientPath(new KubeClientOptions
            {
                Server = server,
                BearerToken = token,
                CertificateAuthorityPem = caPem,
                WatchIdleTimeout = TimeSpan.FromMinutes(10),
            }),
            "generic" => new KubernetesClientPath(server, token, caPem, typed: false),
            "typed" => new KubernetesClientPath(server, token, caPem, typed: true),
            _ => throw new ArgumentException($"--clients-path: unknown path '{path}' (raw, generic or typed)"),
        };

        var result = new ClientPathResult { Path = path };
        long bytes = 0;
        long count = 0;
        void OnObject(string ns, string name, string rv, int length)
        {
            if (name.Length == 0 || rv.Length == 0)
            {
                throw new InvalidOperationException($"object {ns}/{name} without a name or resourceVersion");
            }

            count++;
            bytes += length;
        }

        using var self = Process.GetCurrentProcess();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        self.Refresh();
        result.BaselineWorkingSet = self.WorkingSet64;
        using var sampler = new WorkingSetSampler();

        var allocated = GC.GetTotalAllocatedBytes(true);
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var rv = await client.ListAsync(limit, OnObject, CancellationToken.None);
        result.ListSeconds = clock.Elapsed.TotalSeconds;
        self.Refresh();
        result.ListCpuSeconds = (self.TotalProcessorTime - cpu).TotalSeconds;
        result.ListAllocatedBytes = GC.GetTotalAllocatedBytes(true) - allocated;
        result.Objects = count;
        result.ListBytes = bytes;

        Console.WriteLine("listed " + rv);
        if (await Console.In.ReadLineAsync() is null)
        {
            return 3;
        }

        count = 0;
        allocated = GC.GetTotalAllocatedBytes(true);
        cpu = self.TotalProcessorTime;
        clock.Restart();
        await client.WatchAsync(rv, changes, OnObject, CancellationToken.None);
        result.WatchSeconds = clock.Elapsed.TotalSeconds;
        self.Refresh();
        result.WatchCpuSeconds = (self.TotalProcessorTime - cpu).TotalSeconds;
        result.WatchAllocatedBytes = GC.GetTotalAllocatedBytes(true) - allocated;
        result.Events = count;
        result.PeakWorkingSetSampled = sampler.Peak;
        result.PeakWorkingSet = self.PeakWorkingSet64;
        Console.WriteLine("result " + JsonSerializer.Serialize(result, ClientBenchJsonContext.Default.ClientPathResult));
        return 0;
    }
}
