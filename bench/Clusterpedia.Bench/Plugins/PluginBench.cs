using System.Diagnostics;
using System.Text;
using Clusterpedia.ClusterSynchro.Workloads.Lua;
using Microsoft.Extensions.Options;

namespace Clusterpedia.Bench.Plugins;

/// <summary>
/// The cost of Lua workload plugins per pod (<c>Clusterpedia.Bench --plugins</c>): Resolve of realistic pod metadata
/// with no plugin, with the seed's openGauss plugin on a pod it skips (a Deployment's) and on one it maps, and with
/// the plugin beside nine more that skip every pod. Single thread, after a warm-up; prints microseconds per pod.
/// </summary>
internal static class PluginBench
{
    private const string _deploymentPod = """
        {"name":"web-7d4b9c6f5d-x2x7k","generateName":"web-7d4b9c6f5d-","namespace":"shop","uid":"0b5d3f5e-1c41-4a3c-9d0e-6a1e0c7b2f11",
         "resourceVersion":"123456","creationTimestamp":"2026-11-20T10:00:00Z",
         "labels":{"app":"web","pod-template-hash":"7d4b9c6f5d","tier":"frontend","version":"v2"},
         "annotations":{"cni.projectcalico.org/containerID":"6f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0",
           "cni.projectcalico.org/podIP":"10.244.1.23/32","cni.projectcalico.org/podIPs":"10.244.1.23/32","kubectl.kubernetes.io/restartedAt":"2026-11-20T09:59:00Z"},
         "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d4b9c6f5d","uid":"9e8d7c6b-5a49-4382-9170-615243342516","controller":true,"blockOwnerDeletion":true}]}
        """;

    private const string _openGaussPod = """
        {"name":"ogtest-sts-0","namespace":"db","uid":"1a2b3c4d-0000-4000-8000-000000000001","resourceVersion":"223344","creationTimestamp":"2024-08-07T02:08:14Z",
         "labels":{"app":"ogtest","opengauss.cluster":"ogtest","controller-revision-hash":"ogtest-sts-5f6d7c8b9"},
         "annotations":{"checksum/config":"3f1c2b","cni.projectcalico.org/podIP":"10.244.2.7/32"},
         "ownerReferences":[{"apiVersion":"opengauss.sig/v1","kind":"OpenGaussCluster","name":"ogtest","uid":"5d4c3b2a-1111-4222-8333-444455556666","controller":true,"blockOwnerDeletion":true}]}
        """;

    private const string _skipAll = """
        local dkjson = require("dkjson")
        function GetWorkloadTypeAndName(metaJsonStr)
            local m = dkjson.decode(metaJsonStr, 1, nil)
            if m.labels and m.labels["no-such-label"] then return "X", "x" end
            return "", ""
        end
        """;

    public static async Task<int> RunAsync(string seedPluginPath, int iterations)
    {
        var seed = await File.ReadAllTextAsync(seedPluginPath);
        var deployment = Encoding.UTF8.GetBytes(_deploymentPod);
        var openGauss = Encoding.UTF8.GetBytes(_openGaussPod);
        Console.WriteLine($"Resolve per pod, {iterations} calls each, one thread (µs per pod, mean)");
        Console.WriteLine($"pod metadata: Deployment pod {deployment.Length} bytes, openGauss pod {openGauss.Length} bytes");

        using (var none = Create())
        {
            Report("no plugin", none, deployment, iterations);
        }

        using (var trivial = Create())
        {
            trivial.Load("trivial", "function GetWorkloadTypeAndName(m) return \"\", \"\" end");
            Report("a plugin that decodes nothing (fixed cost of a call)", trivial, deployment, iterations);
        }

        using (var one = Create())
        {
            one.Load("opengauss", seed);
            Report("seed plugin, pod it skips (Deployment pod)", one, deployment, iterations);
            Report("seed plugin, pod it maps (openGauss pod)", one, openGauss, iterations);
        }

        using (var ten = Create())
        {
            for (var i = 0; i < 9; i++)
            {
                ten.Load($"a-skip-{i}", _skipAll);
            }

            ten.Load("opengauss", seed);
            Report("9 skipping plugins + seed plugin, openGauss pod", ten, openGauss, iterations / 5);
        }

        return 0;
    }

    private static LuaWorkloadPlugins Create() => new(Options.Create(new LuaPluginOptions()), TimeProvider.System);

    private static void Report(string what, LuaWorkloadPlugins plugins, byte[] metadata, int iterations)
    {
        for (var i = 0; i < Math.Min(iterations, 2000); i++)
        {
            plugins.Resolve(metadata);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            plugins.Resolve(metadata);
        }

        watch.Stop();
        var perPod = watch.Elapsed.TotalMicroseconds / iterations;
        var managed = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)iterations;
        Console.WriteLine($"{what,-50} {perPod,8:F2} µs/pod   {1_000_000 / Math.Max(perPod, 0.001),10:N0} pods/s   {managed,6:F0} managed bytes/pod   answer: {plugins.Resolve(metadata)?.ToString() ?? "not handled"}");
    }
}
