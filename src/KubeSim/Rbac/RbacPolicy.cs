using Clusterpedia.Kube;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>
/// Keeps a <see cref="PolicySnapshot"/> of the store's RBAC objects: any write to them marks it stale and the next
/// authorization rebuilds it, so a new RoleBinding counts from the next request on, as with kube-apiserver's informers.
/// </summary>
internal sealed class RbacPolicy
{
    public static readonly GroupVersionResource ClusterRoles = new("rbac.authorization.k8s.io", "v1", "clusterroles");
    public static readonly GroupVersionResource Roles = new("rbac.authorization.k8s.io", "v1", "roles");
    public static readonly GroupVersionResource ClusterRoleBindings = new("rbac.authorization.k8s.io", "v1", "clusterrolebindings");
    public static readonly GroupVersionResource RoleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings");

    private readonly SimulatorStore _store;
    private readonly Lock _rebuildLock = new();
    private volatile PolicySnapshot? _snapshot;
    private int _generation;

    public RbacPolicy(SimulatorStore store)
    {
        _store = store;
        store.AddObserver(Observe);
    }

    public PolicySnapshot Current
    {
        get
        {
            if (_snapshot is { } snapshot)
            {
                return snapshot;
            }

            lock (_rebuildLock)
            {
                var generation = Volatile.Read(ref _generation);
                var rebuilt = new PolicySnapshot(
                    _store.List(ClusterRoles), _store.List(Roles), _store.List(ClusterRoleBindings), _store.List(RoleBindings));
                // A write during the rebuild leaves the snapshot stale for the next reader.
                if (Volatile.Read(ref _generation) == generation)
                {
                    _snapshot = rebuilt;
                }

                return rebuilt;
            }
        }
    }

    // Runs under the store lock: only mark the snapshot stale.
    private void Observe(StoreEvent e)
    {
        if (e.GroupResource.EndsWith(".rbac.authorization.k8s.io", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _generation);
            _snapshot = null;
        }
    }
}
