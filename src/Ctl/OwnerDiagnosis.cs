using System.Text.Json;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.Ctl;

/// <summary>
/// Pods of one cluster whose owners are of kinds the server does not sync there, counted by owner apiVersion and
/// kind, read through the server's search API (discovery of the cluster's scope says what is synced).
/// </summary>
internal sealed record OwnerDiagnosis(string Cluster, int Pods, IReadOnlyList<MissingOwner> Missing)
{
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources/clusters/";

    /// <summary>Resources to add, by group, sorted.</summary>
    public SortedDictionary<string, SortedSet<string>> ResourcesByGroup()
    {
        var result = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var m in Missing)
        {
            if (!result.TryGetValue(m.Group, out var set))
            {
                result[m.Group] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            foreach (var r in OwnerKinds.ResourcesFor(m.Group, m.Kind))
            {
                set.Add(r);
            }
        }

        return result;
    }

    public static async Task<OwnerDiagnosis> RunAsync(KubeClient client, string cluster, CancellationToken ct)
    {
        // A cluster the server does not know is a NotFound, as kubectl would say it.
        await client.GetRawAsync($"/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/{Uri.EscapeDataString(cluster)}", ct).ConfigureAwait(false);
        var scope = _search + Uri.EscapeDataString(cluster);
        var synced = await SyncedKindsAsync(client, scope, ct).ConfigureAwait(false);
        if (!synced.Contains(("", "Pod")))
        {
            throw new CtlException($"pods are not synced in cluster \"{cluster}\": add group \"\" resource \"pods\" to its spec.syncResources first");
        }

        var counts = new Dictionary<(string ApiVersion, string Kind), int>();
        var pods = 0;
        var request = new ListRequest { Limit = 500 };
        await foreach (var page in client.ListAllPagesAsync(scope + "/api/v1/pods", request, ct).ConfigureAwait(false))
        {
            if (page.IsRestart)
            {
                counts.Clear();
                pods = 0;
            }

            foreach (var item in page.Items)
            {
                pods++;
                using var doc = JsonDocument.Parse(item);
                if (!doc.RootElement.TryGetProperty("metadata", out var metadata) || !metadata.TryGetProperty("ownerReferences", out var owners) || owners.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var owner in owners.EnumerateArray())
                {
                    var apiVersion = owner.TryGetProperty("apiVersion", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
                    var kind = owner.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "";
                    if (kind.Length == 0 || synced.Contains((OwnerKinds.GroupOf(apiVersion), kind)))
                    {
                        continue;
                    }

                    counts[(apiVersion, kind)] = counts.GetValueOrDefault((apiVersion, kind)) + 1;
                }
            }
        }

        var missing = counts
            .Select(c => new MissingOwner(c.Key.ApiVersion, OwnerKinds.GroupOf(c.Key.ApiVersion), c.Key.Kind, c.Value, OwnerKinds.Platform(OwnerKinds.GroupOf(c.Key.ApiVersion))))
            .OrderByDescending(m => m.Pods).ThenBy(m => m.ApiVersion, StringComparer.Ordinal).ThenBy(m => m.Kind, StringComparer.Ordinal)
            .ToList();
        return new OwnerDiagnosis(cluster, pods, missing);
    }

    /// <summary>(group, kind) of every resource the cluster's search scope serves.</summary>
    private static async Task<HashSet<(string Group, string Kind)>> SyncedKindsAsync(KubeClient client, string scope, CancellationToken ct)
    {
        var result = new HashSet<(string, string)>();
        await AddResourceListAsync(client, scope + "/api/v1", "", result, ct).ConfigureAwait(false);
        using var groups = JsonDocument.Parse(await client.GetRawAsync(scope + "/apis", ct).ConfigureAwait(false));
        foreach (var group in groups.RootElement.GetProperty("groups").EnumerateArray())
        {
            var name = group.GetProperty("name").GetString()!;
            foreach (var version in group.GetProperty("versions").EnumerateArray())
            {
                await AddResourceListAsync(client, $"{scope}/apis/{version.GetProperty("groupVersion").GetString()}", name, result, ct).ConfigureAwait(false);
            }
        }

        return result;
    }

    private static async Task AddResourceListAsync(KubeClient client, string path, string group, HashSet<(string, string)> result, CancellationToken ct)
    {
        byte[] body;
        try
        {
            body = await client.GetRawAsync(path, ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            return;
        }

        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("resources", out var resources))
        {
            return;
        }

        foreach (var r in resources.EnumerateArray())
        {
            if (r.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && !r.GetProperty("name").GetString()!.Contains('/', StringComparison.Ordinal))
            {
                result.Add((group, kind.GetString()!));
            }
        }
    }
}
