using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Discovery;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Discovery;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Keeps one cluster's resource synchros in line with its spec and with what the member serves: starts new
/// resources, stops removed ones and deletes their rows, restarts changed ones, and leaves the others running.
/// Called from one loop only.
/// </summary>
internal sealed partial class ResourceReconciler(
    string name, IResourceStorage storage, SyncedResourceCatalog catalog, SynchroOptions options, TimeProvider time, ILogger logger,
    ClusterStatusWriter status, Action requestProbe)
{
    private readonly Dictionary<(string Group, string Resource), RunningResource> _resources = [];
    private string _crdKeys = "";
    private bool _orphansRemoved;

    /// <summary>The CRDs (<see cref="CrdWatcher.Keys"/>) of the last resolve.</summary>
    public string CrdKeys => Volatile.Read(ref _crdKeys);

    /// <summary>
    /// Discovers, resolves the spec and brings the running resource synchros in line: starts new resources, stops
    /// removed ones and deletes their rows, restarts those whose version or namespace exclusions changed. Untouched
    /// resources keep running.
    /// </summary>
    public async Task ReconcileAsync(PediaClusterSpec spec, KubeClient client, StorageWriter writer, CancellationToken ct)
    {
        var discovery = await new DiscoveryClient(client).DiscoverAsync(ct).ConfigureAwait(false);
        IReadOnlyList<CustomResourceDefinitionInfo>? crds = null;
        var problems = new List<string>();
        if (ResourceResolver.NeedsCustomResourceDefinitions(spec))
        {
            crds = await CrdWatcher.ListAsync(client, ct).ConfigureAwait(false);
            Volatile.Write(ref _crdKeys, CrdWatcher.Keys(crds));
        }

        var resolved = ResourceResolver.Resolve(spec, discovery, crds, options);
        problems.AddRange(resolved.Problems);
        problems.AddRange(discovery.FailedGroupVersions.Select(kv => $"discovery of {kv.Key} failed: {kv.Value}"));
        var excludeKey = string.Join(',', spec.ExcludeNamespaces);
        var excluded = spec.ExcludeNamespaces.ToHashSet(StringComparer.Ordinal);
        var wanted = resolved.Resources.ToDictionary(r => (r.Resource.Group, r.Resource.Resource));
        // Member RBAC the spec does not list: synced for per-user results, neither published nor shown in status.
        var hidden = new HashSet<(string Group, string Resource)>();
        if (options.SyncMemberRbac)
        {
            foreach (var rbac in ResourceResolver.MemberRbac(discovery))
            {
                if (wanted.TryAdd((rbac.Resource.Group, rbac.Resource.Resource), rbac))
                {
                    hidden.Add((rbac.Resource.Group, rbac.Resource.Resource));
                }
            }
        }

        var published = new List<SyncedResource>(resolved.Resources);

        foreach (var (key, running) in _resources.ToList())
        {
            var gvr = running.Resource.Resource;
            if (!wanted.TryGetValue(key, out var want))
            {
                if (discovery.FailedGroupVersions.ContainsKey(gvr.ApiVersion))
                {
                    // Not gone, only not discoverable right now (e.g. an aggregated API down): keep it.
                    published.Add(running.Resource);
                    continue;
                }

                await running.StopAsync().ConfigureAwait(false);
                _resources.Remove(key);
                await storage.DeleteClusterResourceAsync(name, gvr, ct).ConfigureAwait(false);
                LogResourceRemoved(logger, name, gvr);
            }
            else if (want.Resource != gvr || want.Namespaced != running.Resource.Namespaced || want.Kind != running.Resource.Kind || running.ExcludeKey != excludeKey)
            {
                await running.StopAsync().ConfigureAwait(false);
                _resources.Remove(key);
                if (want.Resource != gvr)
                {
                    await storage.DeleteClusterResourceAsync(name, gvr, ct).ConfigureAwait(false);
                }
            }
        }

        if (!_orphansRemoved)
        {
            // Rows of resources that left the spec (or the member) while no synchro of this cluster was running.
            var wantedResources = wanted.Values.Select(r => r.Resource).ToHashSet();
            foreach (var gvr in await storage.GetClusterResourcesAsync(name, ct).ConfigureAwait(false))
            {
                if (!wantedResources.Contains(gvr) && !discovery.FailedGroupVersions.ContainsKey(gvr.ApiVersion))
                {
                    await storage.DeleteClusterResourceAsync(name, gvr, ct).ConfigureAwait(false);
                    LogResourceRemoved(logger, name, gvr);
                }
            }

            _orphansRemoved = true;
        }

        foreach (var (key, want) in wanted)
        {
            if (!_resources.TryGetValue(key, out var running))
            {
                var state = new ResourceSyncState(want, time.GetUtcNow());
                state.Changed += status.OnResourceChanged;
                running = new RunningResource(want, state, excludeKey);
                _resources[key] = running;
            }

            if (!running.IsRunning)
            {
                var state = running.State;
                state.Set("Pending", null, null, time.GetUtcNow(), initialListDone: false);
                var synchro = new ResourceSynchro(name, client, writer, state, excluded, options, time, logger, requestProbe);
                running.Start(synchro.RunAsync, ct);
                LogResourceStarted(logger, name, want.Resource);
            }
        }

        status.SetResources([.. _resources.Where(kv => !hidden.Contains(kv.Key)).Select(kv => kv.Value.State)], [.. resolved.Skipped]);

        catalog.Set(name, published.OrderBy(r => r.Resource.Group, StringComparer.Ordinal).ThenBy(r => r.Resource.Resource, StringComparer.Ordinal));
        foreach (var problem in problems)
        {
            LogResolveProblem(logger, name, problem);
        }

        foreach (var s in resolved.Skipped)
        {
            LogResolveProblem(logger, name, s.Message);
        }

        status.SetCondition("SynchroRunning", true, "Running", string.Join("; ", problems));
        status.OnResourceChanged();
    }

    /// <summary>Stops every resource synchro (rows stay) and marks the resources Stop.</summary>
    public async Task StopAllAsync(string message)
    {
        foreach (var r in _resources.Values)
        {
            if (r.IsRunning)
            {
                await r.StopAsync().ConfigureAwait(false);
                r.State.Set("Stop", "ClusterUnhealthy", message, time.GetUtcNow());
            }
        }
    }

    /// <summary>Stops every resource synchro, on the way out.</summary>
    public async Task StopAsync()
    {
        foreach (var r in _resources.Values)
        {
            await r.StopAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Cluster {Cluster}: {Problem}")]
    private static partial void LogResolveProblem(ILogger logger, string cluster, string problem);

    [LoggerMessage(EventId = 205, Level = LogLevel.Information, Message = "Cluster {Cluster}: started syncing {Resource}")]
    private static partial void LogResourceStarted(ILogger logger, string cluster, GroupVersionResource resource);

    [LoggerMessage(EventId = 206, Level = LogLevel.Information, Message = "Cluster {Cluster}: stopped syncing {Resource} and removed its objects")]
    private static partial void LogResourceRemoved(ILogger logger, string cluster, GroupVersionResource resource);
}
