using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Rbac;
using Clusterpedia.Kube.Server;
using Clusterpedia.Storage;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Search.Access;

/// <summary>
/// Per-user results: what a request's user may see of each member, decided by that member's own RBAC (its Roles,
/// ClusterRoles and bindings, synced into the store) as kube-apiserver would decide a <c>list</c>. Search turns the
/// answer into <see cref="ResourceQuery.Access"/>, so the filter runs inside the SQL. No user (no authentication),
/// system:masters or the setting off: no filter.
/// </summary>
internal sealed class MemberAccess(IResourceStorage storage, SyncedResourceCatalog catalog, IOptions<PerUserResultsOptions> options, TimeProvider time)
{
    public const string RbacGroup = "rbac.authorization.k8s.io";

    /// <summary>The RBAC types every member syncs for this, whatever its spec says.</summary>
    public static readonly IReadOnlyList<GroupVersionResource> RbacResources =
    [
        new(RbacGroup, "v1", "clusterroles"),
        new(RbacGroup, "v1", "roles"),
        new(RbacGroup, "v1", "clusterrolebindings"),
        new(RbacGroup, "v1", "rolebindings"),
    ];

    private readonly ConcurrentDictionary<string, MemberRbacSnapshot> _snapshots = new(StringComparer.Ordinal);

    /// <summary>True when the user's results are filtered.</summary>
    public bool Filters(UserInfo? user) =>
        options.Value.Enabled && user is not null && !user.Groups.Contains(RbacPolicySet.MastersGroup);

    /// <summary>
    /// The grants of one resource type across every known cluster (or one); null when the user is not filtered. RBAC
    /// types are limited to the clusters that publish them, filtered or not: the others' rows are stored for this
    /// filter only (Synchro:SyncMemberRbac).
    /// </summary>
    public async Task<IReadOnlyList<AccessGrant>?> GrantsAsync(UserInfo? user, string group, string resource, string? cluster, CancellationToken ct)
    {
        var filtered = Filters(user);
        if (!filtered && group != RbacGroup)
        {
            return null;
        }

        var grants = new List<AccessGrant>();
        foreach (var name in cluster is null ? catalog.Clusters : [cluster])
        {
            if (group == RbacGroup && !Publishes(name, group, resource))
            {
                // Synced for this filter only: the spec of that cluster did not ask for it.
                continue;
            }

            var scope = filtered ? (await SnapshotAsync(name, ct).ConfigureAwait(false)).ListScope(user!, group, resource) : ListScope.All;
            if (!scope.IsEmpty)
            {
                grants.Add(new AccessGrant(name, scope.AllNamespaces ? null : [.. scope.Namespaces.Order(StringComparer.Ordinal)]));
            }
        }

        return grants;
    }

    /// <summary>
    /// The grants of a search across types (a collection resource): one per cluster and synced resource the filters
    /// cover, typed, since a user's access differs per resource. Null when the user is not filtered and the types
    /// cannot reach the RBAC group (whose rows of clusters that do not publish it stay hidden).
    /// </summary>
    public async Task<IReadOnlyList<AccessGrant>?> GrantsAsync(UserInfo? user, IReadOnlyList<ResourceTypeFilter> types, CancellationToken ct)
    {
        var filtered = Filters(user);
        if (!filtered && !types.Any(t => t.Group == RbacGroup))
        {
            return null;
        }

        var grants = new List<AccessGrant>();
        foreach (var name in catalog.Clusters)
        {
            var snapshot = filtered ? await SnapshotAsync(name, ct).ConfigureAwait(false) : null;
            var covered = catalog.For(name)
                .Where(r => types.Any(t => t.Group == r.Resource.Group && (t.Version is null || t.Version == r.Resource.Version) && (t.Resource is null || t.Resource == r.Resource.Resource)))
                .Select(r => (r.Resource.Group, r.Resource.Resource))
                .Distinct();
            foreach (var (group, resource) in covered)
            {
                var scope = snapshot?.ListScope(user!, group, resource) ?? ListScope.All;
                if (!scope.IsEmpty)
                {
                    grants.Add(new AccessGrant(name, scope.AllNamespaces ? null : [.. scope.Namespaces.Order(StringComparer.Ordinal)], group, resource));
                }
            }
        }

        return grants;
    }

    /// <summary>Whether the user may see one object: the same rule as a list of its type (a get shows what a list would).</summary>
    public async Task<bool> CanSeeAsync(UserInfo? user, string cluster, string group, string resource, string ns, CancellationToken ct) =>
        !Filters(user) || (await SnapshotAsync(cluster, ct).ConfigureAwait(false)).ListScope(user!, group, resource).Covers(ns);

    private bool Publishes(string cluster, string group, string resource) =>
        catalog.For(cluster).Any(r => r.Resource.Group == group && r.Resource.Resource == resource);

    private async Task<MemberRbacSnapshot> SnapshotAsync(string cluster, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_snapshots.TryGetValue(cluster, out var snapshot) && now - snapshot.ReadAt < options.Value.RefreshInterval)
        {
            return snapshot;
        }

        // Two requests may both re-read a stale member; the later one's snapshot wins, both are current.
        var objects = new List<JsonObject>[RbacResources.Count];
        for (var i = 0; i < RbacResources.Count; i++)
        {
            var gvr = RbacResources[i];
            var rows = await storage.ListAsync(new ResourceQuery { Group = gvr.Group, Version = gvr.Version, Resource = gvr.Resource, Clusters = [cluster] }, ct).ConfigureAwait(false);
            objects[i] = [.. rows.Items.Select(r => JsonNode.Parse(r.Object.Span) as JsonObject).OfType<JsonObject>()];
        }

        snapshot = new MemberRbacSnapshot(new RbacPolicySet(objects[0], objects[1], objects[2], objects[3]), now);
        _snapshots[cluster] = snapshot;
        return snapshot;
    }
}
