using System.Text.Json;

namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>
/// The read-only data set every engine is seeded with: three clusters, deployments → replicasets → pods, labels with
/// and without the keys under test, varied creation times and resourceVersions of 2 and 3 digits. Expected answers are
/// computed from these records in C#, so each case states its meaning, not a hard-coded list.
/// </summary>
internal static class SeedData
{
    public static readonly string[] Clusters = ["cluster-1", "cluster-2", "cluster-3"];

    public static IReadOnlyList<ResourceRecord> Pods { get; }

    public static IReadOnlyList<ResourceRecord> Deployments { get; }

    public static IReadOnlyList<ResourceRecord> ReplicaSets { get; }

    /// <summary>Objects of other types, for collection searches: a statefulset and a daemonset named like a deployment, a custom resource.</summary>
    public static IReadOnlyList<ResourceRecord> Others { get; }

    static SeedData()
    {
        var pods = new List<ResourceRecord>();
        var deployments = new List<ResourceRecord>();
        var replicaSets = new List<ResourceRecord>();
        var rv = 95;
        string NextRv() => (rv++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        DateTimeOffset At(int ci, int ni, int pi) => TestObjects.Epoch.AddMinutes((((ci * 3) + ni) * 7 % 19 * 10) + pi);

        for (var ci = 0; ci < 2; ci++)
        {
            var cluster = Clusters[ci];
            string[] namespaces = ["default", "kube-system", "team-a"];
            for (var ni = 0; ni < namespaces.Length; ni++)
            {
                var ns = namespaces[ni];
                if (ns == "kube-system")
                {
                    pods.Add(TestObjects.Pod(cluster, ns, "coredns-1", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" },
                        created: At(ci, ni, 0), node: "node-1", resourceVersion: NextRv(),
                        annotations: new Dictionary<string, string> { ["example.com/team"] = "platform" }));
                    pods.Add(TestObjects.Pod(cluster, ns, "etcd-node-1", new Dictionary<string, string> { ["component"] = "etcd", ["tier"] = "control-plane" },
                        created: At(ci, ni, 1), node: "node-1", resourceVersion: NextRv()));
                    continue;
                }

                var env = ns == "default" ? "prod" : "dev";
                var deployment = TestObjects.Object(cluster, "apps", "v1", "deployments", "Deployment", ns, "web",
                    new Dictionary<string, string> { ["app"] = "web" }, created: At(ci, ni, 0), resourceVersion: NextRv());
                deployments.Add(deployment);
                var replicaSet = TestObjects.Object(cluster, "apps", "v1", "replicasets", "ReplicaSet", ns, "web-abc",
                    new Dictionary<string, string> { ["app"] = "web" }, ownerUid: deployment.Uid, created: At(ci, ni, 1), resourceVersion: NextRv());
                replicaSets.Add(replicaSet);
                for (var pi = 1; pi <= 3; pi++)
                {
                    pods.Add(TestObjects.Pod(cluster, ns, $"web-abc-{pi}",
                        new Dictionary<string, string>
                        {
                            ["app"] = "web",
                            ["tier"] = "frontend",
                            ["env"] = env,
                            ["rank"] = (pi * 5).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        },
                        ownerUid: replicaSet.Uid, created: At(ci, ni, 1 + pi), node: $"node-{pi}", resourceVersion: NextRv(),
                        annotations: pi == 1 ? new Dictionary<string, string> { ["example.com/team"] = "web" } : null));
                }

                pods.Add(TestObjects.Pod(cluster, ns, "db-0", new Dictionary<string, string> { ["app"] = "db", ["tier"] = "backend", ["rank"] = "x" },
                    created: At(ci, ni, 5), phase: "Pending", resourceVersion: NextRv()));
            }
        }

        pods.Add(TestObjects.Pod("cluster-3", "default", "lonely", created: TestObjects.Epoch.AddDays(-30), phase: "Succeeded", resourceVersion: NextRv()));
        Others =
        [
            TestObjects.Object("cluster-1", "apps", "v1", "statefulsets", "StatefulSet", "default", "web", new Dictionary<string, string> { ["app"] = "web" }, resourceVersion: NextRv()),
            TestObjects.Object("cluster-2", "apps", "v1", "daemonsets", "DaemonSet", "kube-system", "node-agent", new Dictionary<string, string> { ["app"] = "agent" }, resourceVersion: NextRv()),
            TestObjects.Object("cluster-1", "example.io", "v1", "widgets", "Widget", "default", "web", new Dictionary<string, string> { ["app"] = "web" }, resourceVersion: NextRv()),
            TestObjects.Object("cluster-3", "example.io", "v1alpha1", "gadgets", "Gadget", "", "g-1", resourceVersion: NextRv()),
        ];
        Pods = pods;
        Deployments = deployments;
        ReplicaSets = replicaSets;
    }

    public static async Task WriteAsync(IResourceStorage storage)
    {
        await storage.UpsertAsync(Deployments, CancellationToken.None);
        await storage.UpsertAsync(ReplicaSets, CancellationToken.None);
        await storage.UpsertAsync(Pods, CancellationToken.None);
        await storage.UpsertAsync(Others, CancellationToken.None);
    }

    public static IEnumerable<ResourceRecord> All => Pods.Concat(Deployments).Concat(ReplicaSets).Concat(Others);

    public static IReadOnlyDictionary<string, string> Labels(ResourceRecord record) => StringMap(record, "labels");

    public static IReadOnlyDictionary<string, string> Annotations(ResourceRecord record) => StringMap(record, "annotations");

    public static string? Field(ResourceRecord record, params string[] path)
    {
        using var document = JsonDocument.Parse(record.Object);
        var element = document.RootElement;
        foreach (var segment in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element))
            {
                return null;
            }
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Null => null,
            _ => element.GetRawText(),
        };
    }

    private static Dictionary<string, string> StringMap(ResourceRecord record, string property)
    {
        using var document = JsonDocument.Parse(record.Object);
        var result = new Dictionary<string, string>();
        if (document.RootElement.GetProperty("metadata").TryGetProperty(property, out var map))
        {
            foreach (var entry in map.EnumerateObject())
            {
                result[entry.Name] = entry.Value.GetString()!;
            }
        }

        return result;
    }
}
