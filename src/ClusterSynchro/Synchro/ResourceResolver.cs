using System.Text.Json;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Resolves a PediaCluster's syncResources against the member cluster's discovery: which group, version and
/// resource each entry means, with kind and scope. Entries that name nothing servable are reported, not fatal.
/// </summary>
internal sealed class ResourceResolver(KubeClient client)
{
    public sealed record Result(IReadOnlyList<SyncedResource> Resources, IReadOnlyList<string> Problems);

    public async Task<Result> ResolveAsync(IReadOnlyList<SyncResourceSpec> specs, CancellationToken ct)
    {
        var problems = new List<string>();
        var resolved = new Dictionary<(string Group, string Resource), SyncedResource>();
        Dictionary<string, (List<string> Versions, string Preferred)>? groups = null;

        foreach (var spec in specs)
        {
            IEnumerable<string> groupNames;
            if (spec.Group == "*")
            {
                groups ??= await GroupsAsync(ct).ConfigureAwait(false);
                groupNames = [.. groups.Keys];
            }
            else
            {
                groupNames = [spec.Group];
            }

            foreach (var group in groupNames)
            {
                List<string> versions;
                if (group.Length == 0)
                {
                    versions = spec.Versions.Count > 0 && !spec.Versions.Contains("*") ? [.. spec.Versions] : ["v1"];
                }
                else
                {
                    groups ??= await GroupsAsync(ct).ConfigureAwait(false);
                    if (!groups.TryGetValue(group, out var info))
                    {
                        problems.Add($"group \"{group}\" is not served by the cluster");
                        continue;
                    }

                    versions = spec.Versions.Contains("*") ? info.Versions
                        : spec.Versions.Count > 0 ? [.. spec.Versions.Where(info.Versions.Contains)]
                        : [info.Preferred];
                    foreach (var missing in spec.Versions.Where(v => v != "*" && !info.Versions.Contains(v)))
                    {
                        problems.Add($"version \"{missing}\" of group \"{group}\" is not served by the cluster");
                    }
                }

                foreach (var version in versions)
                {
                    var available = await ResourcesAsync(group, version, ct).ConfigureAwait(false);
                    var wanted = spec.Resources.Contains("*") ? available.Keys.ToList() : spec.Resources;
                    foreach (var name in wanted)
                    {
                        if (!available.TryGetValue(name, out var r))
                        {
                            problems.Add($"resource \"{name}\" is not served in {(group.Length == 0 ? version : group + "/" + version)}");
                            continue;
                        }

                        if (!r.Listable)
                        {
                            if (!spec.Resources.Contains("*"))
                            {
                                problems.Add($"resource \"{name}\" in {(group.Length == 0 ? version : group + "/" + version)} does not support list and watch");
                            }

                            continue;
                        }

                        resolved.TryAdd((group, name), r.Resource);
                    }
                }
            }
        }

        return new Result([.. resolved.Values], problems);
    }

    private async Task<Dictionary<string, (List<string> Versions, string Preferred)>> GroupsAsync(CancellationToken ct)
    {
        var raw = await client.GetRawAsync("/apis", ct).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(raw);
        var result = new Dictionary<string, (List<string>, string)>(StringComparer.Ordinal);
        foreach (var g in doc.RootElement.GetProperty("groups").EnumerateArray())
        {
            var name = g.GetProperty("name").GetString()!;
            var versions = g.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()!).ToList();
            var preferred = g.TryGetProperty("preferredVersion", out var p) ? p.GetProperty("version").GetString()! : versions[0];
            result[name] = (versions, preferred);
        }

        return result;
    }

    private async Task<Dictionary<string, (SyncedResource Resource, bool Listable)>> ResourcesAsync(string group, string version, CancellationToken ct)
    {
        var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        var raw = await client.GetRawAsync(path, ct).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(raw);
        var result = new Dictionary<string, (SyncedResource, bool)>(StringComparer.Ordinal);
        foreach (var r in doc.RootElement.GetProperty("resources").EnumerateArray())
        {
            var name = r.GetProperty("name").GetString()!;
            if (name.Contains('/', StringComparison.Ordinal))
            {
                continue;
            }

            var verbs = Strings(r, "verbs");
            var resource = new SyncedResource(
                new GroupVersionResource(group, version, name),
                r.GetProperty("kind").GetString()!,
                r.TryGetProperty("singularName", out var s) && s.GetString() is { Length: > 0 } singular ? singular : r.GetProperty("kind").GetString()!.ToLowerInvariant(),
                r.TryGetProperty("namespaced", out var ns) && ns.GetBoolean(),
                Strings(r, "shortNames"),
                Strings(r, "categories"));
            result[name] = (resource, verbs.Contains("list") && verbs.Contains("watch"));
        }

        return result;
    }

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray().Select(x => x.GetString() ?? "")] : [];
}
