using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Discovery;

namespace Clusterpedia.ClusterSynchro.Discovery;

/// <summary>
/// Resolves a PediaCluster's syncResources against the member cluster's discovery: which group, version and
/// resource each entry means, with kind and scope. One version per (group, resource); the same resource name in two
/// groups stays two resources. Entries that name nothing servable are reported, never fatal. Pure: no I/O.
/// </summary>
internal static class ResourceResolver
{
    /// <summary>Groups served by kube-apiserver itself; resources of any other group come from CRDs or aggregated APIs.</summary>
    public static readonly IReadOnlySet<string> BuiltInGroups = new HashSet<string>(StringComparer.Ordinal)
    {
        "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io",
        "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io",
        "apiregistration.k8s.io", "certificates.k8s.io", "scheduling.k8s.io", "node.k8s.io", "flowcontrol.apiserver.k8s.io",
        "authentication.k8s.io", "authorization.k8s.io", "resource.k8s.io", "storagemigration.k8s.io", "internal.apiserver.k8s.io",
    };

    /// <summary>Whether resolving the spec needs the member's CRDs (for custom resources or their printer columns).</summary>
    public const string RbacGroup = "rbac.authorization.k8s.io";

    public static bool NeedsCustomResourceDefinitions(PediaClusterSpec spec) =>
        spec.SyncAllCustomResources || spec.SyncResources.Any(r => r.Group == "*" || !BuiltInGroups.Contains(r.Group));

    public static ResolvedResources Resolve(
        PediaClusterSpec spec, DiscoveryDocument discovery, IReadOnlyList<CustomResourceDefinitionInfo>? crds, SynchroOptions options)
    {
        var problems = new List<string>();
        var skipped = new Dictionary<(string, string), SkippedResource>();
        var resolved = new Dictionary<(string Group, string Resource), ApiResourceInfo>();

        foreach (var entry in spec.SyncResources)
        {
            IEnumerable<ApiGroupInfo> groups;
            if (entry.Group == "*")
            {
                if (!options.AllowSyncAllResources)
                {
                    problems.Add("group \"*\" is ignored: the server does not allow syncing every group (Synchro:AllowSyncAllResources)");
                    continue;
                }

                groups = discovery.Groups;
            }
            else if (discovery.FindGroup(entry.Group) is { } found)
            {
                groups = [found];
            }
            else
            {
                problems.Add($"group \"{entry.Group}\" is not served by the cluster");
                continue;
            }

            if (entry.Resources.Count == 0)
            {
                problems.Add($"the syncResources entry of group \"{DisplayGroup(entry.Group)}\" names no resources");
                continue;
            }

            var allResources = entry.Resources.Contains("*", StringComparer.Ordinal);
            foreach (var group in groups)
            {
                foreach (var version in Versions(entry, group, problems))
                {
                    if (allResources)
                    {
                        foreach (var r in version.Resources.Where(r => r.IsListWatchable))
                        {
                            Add(r);
                        }

                        continue;
                    }

                    foreach (var name in entry.Resources)
                    {
                        var r = version.Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));
                        if (r is null)
                        {
                            problems.Add($"resource \"{name}\" is not served in {version.GroupVersion}");
                        }
                        else if (!r.IsListWatchable)
                        {
                            skipped.TryAdd((r.Group, r.Name), new SkippedResource(
                                ToSynced(r, null), "Unsupported", $"{r.Name} in {version.GroupVersion} does not support list and watch (verbs: {string.Join(',', r.Verbs)})"));
                        }
                        else
                        {
                            Add(r);
                        }
                    }
                }
            }
        }

        if (spec.SyncAllCustomResources)
        {
            if (!options.AllowSyncAllCustomResources)
            {
                problems.Add("syncAllCustomResources is ignored: the server does not allow it (Synchro:AllowSyncAllCustomResources)");
            }
            else if (crds is null)
            {
                problems.Add("syncAllCustomResources: the cluster's CustomResourceDefinitions cannot be listed");
            }
            else
            {
                foreach (var crd in crds)
                {
                    // The group's preferred version when it serves this resource, else the first that does.
                    var group = discovery.FindGroup(crd.Group);
                    var candidates = group?.Versions.OrderBy(v => v.Version == group.PreferredVersion ? 0 : 1)
                        .Select(v => v.Resources.FirstOrDefault(r => r.Name == crd.Plural))
                        .FirstOrDefault(r => r is not null && r.IsListWatchable);
                    if (candidates is not null)
                    {
                        Add(candidates);
                    }
                }
            }
        }

        var columns = crds?.ToDictionary(c => (c.Group, c.Plural), c => c.ColumnsByVersion) ?? [];
        var resources = resolved.Values
            .Select(r => ToSynced(r, !BuiltInGroups.Contains(r.Group) && columns.TryGetValue((r.Group, r.Name), out var byVersion) && byVersion.TryGetValue(r.Version, out var c) ? c : null))
            .OrderBy(r => r.Resource.Group, StringComparer.Ordinal)
            .ThenBy(r => r.Resource.Resource, StringComparer.Ordinal)
            .ToList();
        return new ResolvedResources(resources, [.. skipped.Values], problems);

        void Add(ApiResourceInfo r)
        {
            if (spec.ExcludeResources.Any(x => x.Matches(r.Group, r.Name)))
            {
                return;
            }

            if (r.Group.Length == 0 && r.Name == "secrets" && !options.AllowSyncSecrets)
            {
                // Named or reached through "*": the rest syncs, and status says why secrets do not.
                skipped.TryAdd((r.Group, r.Name), new SkippedResource(ToSynced(r, null), "SecretsNotAllowed",
                    "secrets are not synced: the server does not allow it (Synchro:AllowSyncSecrets)"));
                return;
            }

            resolved.TryAdd((r.Group, r.Name), r);
        }
    }

    private static IEnumerable<ApiGroupVersionInfo> Versions(SyncResourceSpec entry, ApiGroupInfo group, List<string> problems)
    {
        if (entry.Versions.Contains("*", StringComparer.Ordinal))
        {
            // Server priority order: the preferred version first.
            return group.Versions.OrderBy(v => v.Version == group.PreferredVersion ? 0 : 1);
        }

        if (entry.Versions.Count == 0)
        {
            var preferred = group.Versions.FirstOrDefault(v => v.Version == group.PreferredVersion) ?? (group.Versions.Count > 0 ? group.Versions[0] : null);
            return preferred is null ? [] : [preferred];
        }

        var result = new List<ApiGroupVersionInfo>();
        foreach (var name in entry.Versions)
        {
            if (group.Versions.FirstOrDefault(v => v.Version == name) is { } v)
            {
                result.Add(v);
            }
            else
            {
                problems.Add($"version \"{name}\" of group \"{DisplayGroup(group.Name)}\" is not served by the cluster");
            }
        }

        return result;
    }

    /// <summary>The member's RBAC types (rbac.authorization.k8s.io/v1) it serves, synced for per-user results whatever the spec says.</summary>
    public static IReadOnlyList<SyncedResource> MemberRbac(DiscoveryDocument discovery)
    {
        ArgumentNullException.ThrowIfNull(discovery);
        var version = discovery.FindGroup(RbacGroup)?.Versions.FirstOrDefault(v => v.Version == "v1");
        return version is null
            ? []
            : [.. version.Resources.Where(r => r.IsListWatchable && r.Name is "roles" or "clusterroles" or "rolebindings" or "clusterrolebindings").Select(r => ToSynced(r, null))];
    }

    private static string DisplayGroup(string group) => group.Length == 0 ? "core" : group;

    private static SyncedResource ToSynced(ApiResourceInfo r, IReadOnlyList<Kube.Printing.CustomColumn>? columns) => new(
        new GroupVersionResource(r.Group, r.Version, r.Name),
        r.Kind,
        r.SingularName.Length > 0 ? r.SingularName : r.Kind.ToLowerInvariant(),
        r.Namespaced,
        r.ShortNames,
        r.Categories,
        columns);
}
