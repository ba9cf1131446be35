using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Workload;

/// <summary>
/// A small kube-controller-manager so a simulated cluster feels alive: Deployments get a ReplicaSet per pod template
/// (pod-template-hash label, controller ownerReference, revision annotations; old ones scaled to zero), ReplicaSets,
/// StatefulSets and DaemonSets get Running, ready pods bound to nodes, and every workload's status is filled as after
/// a finished rollout. Pods start Running at once: there is no scheduler or kubelet delay to wait for.
/// It reacts to store changes (observed under the store lock, queued, reconciled on one background loop), so the
/// generated workload, which is already consistent, is left alone.
/// One job at about 500 lines: one reconcile per workload kind, sharing the queue and the pod bookkeeping; the objects
/// it writes are built by <see cref="ObjectFactory"/>.
/// </summary>
internal sealed class WorkloadController : IAsyncDisposable
{
    private const string _deploymentsResource = "deployments.apps";
    private const string _replicaSetsResource = "replicasets.apps";
    private const string _statefulSetsResource = "statefulsets.apps";
    private const string _daemonSetsResource = "daemonsets.apps";
    private const string _revisionAnnotation = "deployment.kubernetes.io/revision";

    private static readonly GroupVersionResource _deployments = new("apps", "v1", "deployments");
    private static readonly GroupVersionResource _replicaSets = new("apps", "v1", "replicasets");
    private static readonly GroupVersionResource _statefulSets = new("apps", "v1", "statefulsets");
    private static readonly GroupVersionResource _daemonSets = new("apps", "v1", "daemonsets");
    private static readonly GroupVersionResource _pods = new(string.Empty, "v1", "pods");
    private static readonly GroupVersionResource _nodes = new(string.Empty, "v1", "nodes");

    private readonly SimulatorStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ObjectFactory _factory;
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _pendingLock = new();
    private readonly HashSet<WorkItem> _pending = [];
    private readonly CancellationTokenSource _stop = new();
    private List<string>? _nodeNames;
    private int _nextNode;
    private Task _loop = Task.CompletedTask;

    public WorkloadController(SimulatorStore store, SimulatorOptions options, ILogger logger)
    {
        _store = store;
        _time = options.TimeProvider;
        _logger = logger;
        _factory = new ObjectFactory(new Random(options.Seed + 7919), options.KubernetesVersion);
    }

    public void Start()
    {
        _store.AddObserver(Observe);
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    // Runs under the store lock: only decide what to queue.
    private void Observe(StoreEvent e)
    {
        var deleted = e.Type == WatchEventType.Deleted;
        switch (e.GroupResource)
        {
            case _deploymentsResource or _statefulSetsResource or _daemonSetsResource when !deleted:
                Enqueue(new WorkItem(e.GroupResource, e.Object.Namespace, e.Object.Name));
                break;
            case _replicaSetsResource:
                if (!deleted)
                {
                    Enqueue(new WorkItem(e.GroupResource, e.Object.Namespace, e.Object.Name));
                }

                EnqueueOwners(e.Object);
                break;
            case "pods" when e.Type != WatchEventType.Modified:
                EnqueueOwners(e.Object);
                break;
            case "nodes" when e.Type != WatchEventType.Modified:
                _nodeNames = null;
                Enqueue(new WorkItem(WorkItem.AllDaemonSets, string.Empty, string.Empty));
                break;
        }
    }

    private void EnqueueOwners(ObjectVersion version)
    {
        foreach (var owner in version.OwnerUids)
        {
            Enqueue(new WorkItem(WorkItem.OwnerUid, string.Empty, owner));
        }
    }

    private void Enqueue(WorkItem item)
    {
        lock (_pendingLock)
        {
            if (!_pending.Add(item))
            {
                return;
            }
        }

        _queue.Writer.TryWrite(item);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var item in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            lock (_pendingLock)
            {
                _pending.Remove(item);
            }

            try
            {
                Reconcile(item);
            }
            catch (SimulatorApiException e) when (e.Code == 404)
            {
                // Deleted while queued: the garbage collector took care of its dependents.
            }
            catch (Exception e)
            {
                Log.ReconcileFailed(_logger, e, item.GroupResource, item.Namespace, item.Name);
            }
        }
    }

    private void Reconcile(WorkItem item)
    {
        var (groupResource, ns, name) = item;
        if (groupResource == WorkItem.OwnerUid)
        {
            if (_store.ResolveUid(name) is not { } location)
            {
                return;
            }

            groupResource = location.GroupResource;
            var slash = location.Key.IndexOf('/', StringComparison.Ordinal);
            (ns, name) = slash < 0 ? (string.Empty, location.Key) : (location.Key[..slash], location.Key[(slash + 1)..]);
        }

        switch (groupResource)
        {
            case _deploymentsResource:
                ReconcileDeployment(ns, name);
                break;
            case _replicaSetsResource:
                ReconcileReplicaSet(ns, name);
                break;
            case _statefulSetsResource:
                ReconcileStatefulSet(ns, name);
                break;
            case _daemonSetsResource:
                ReconcileDaemonSet(ns, name);
                break;
            case WorkItem.AllDaemonSets:
                foreach (var daemonSet in _store.List(_daemonSets))
                {
                    ReconcileDaemonSet(Str(daemonSet, "metadata", "namespace"), Str(daemonSet, "metadata", "name"));
                }

                break;
        }
    }

    private void ReconcileDeployment(string ns, string name)
    {
        if (_store.Get(_deployments, ns, name) is not { } deployment)
        {
            return;
        }

        var uid = Str(deployment, "metadata", "uid");
        var spec = deployment["spec"] as JsonObject ?? [];
        var replicas = Int(spec["replicas"]) ?? 1;
        var hash = ObjectFactory.PodTemplateHash(spec["template"]);
        var sets = _store.Dependents(uid, _replicaSetsResource)
            .Select(v => _store.Get(_replicaSets, ns, v.Name))
            .OfType<JsonObject>()
            .ToList();
        var current = sets.FirstOrDefault(rs => rs["metadata"]?["labels"]?["pod-template-hash"]?.GetValue<string>() == hash);
        var revision = current is null
            ? sets.Select(Revision).DefaultIfEmpty(0).Max() + 1
            : Revision(current);
        var now = _time.GetUtcNow();
        if (current is null)
        {
            var replicaSet = ObjectFactory.ReplicaSet(deployment, hash, now);
            var annotations = (JsonObject)replicaSet["metadata"]!["annotations"]!;
            annotations[_revisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture);
            replicaSet["status"] = new JsonObject { ["replicas"] = 0 };
            current = _store.Create(_replicaSets, ns, replicaSet);
            sets.Add(current);
        }

        foreach (var set in sets)
        {
            var setName = Str(set, "metadata", "name");
            var desired = ReferenceEquals(set, current) ? replicas : 0;
            if (Int(set["spec"]?["replicas"]) != desired)
            {
                _store.Update(_replicaSets, ns, setName, rs =>
                {
                    rs["spec"]!["replicas"] = desired;
                    if (rs["metadata"]?["annotations"] is JsonObject annotations)
                    {
                        annotations["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture);
                    }

                    return rs;
                });
            }
        }

        int total = 0, ready = 0, updated = 0;
        foreach (var set in sets)
        {
            var (count, setReady) = ReconcileReplicaSet(ns, Str(set, "metadata", "name"));
            total += count;
            ready += setReady;
            if (ReferenceEquals(set, current))
            {
                updated = count;
            }
        }

        var revisionText = revision.ToString(CultureInfo.InvariantCulture);
        if (deployment["metadata"]?["annotations"]?[_revisionAnnotation]?.GetValue<string>() != revisionText)
        {
            deployment = _store.Update(_deployments, ns, name, d =>
            {
                var metadata = (JsonObject)d["metadata"]!;
                var annotations = metadata["annotations"] as JsonObject ?? [];
                annotations[_revisionAnnotation] = revisionText;
                metadata["annotations"] = annotations;
                return d;
            });
        }

        var currentName = Str(current, "metadata", "name");
        var generation = Int(deployment["metadata"]?["generation"]) ?? 1;
        _store.UpdateStatus(_deployments, ns, name, d =>
        {
            var previous = d["status"] as JsonObject;
            var status = new JsonObject { ["observedGeneration"] = generation };
            if (total > 0)
            {
                status["replicas"] = total;
                status["updatedReplicas"] = updated;
            }

            if (ready > 0)
            {
                status["readyReplicas"] = ready;
                status["availableReplicas"] = ready;
            }

            var available = ready >= replicas;
            status["conditions"] = new JsonArray(
                Condition(previous, "Available", available ? "True" : "False",
                    available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                    available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now, "lastUpdateTime"),
                Condition(previous, "Progressing", "True", "NewReplicaSetAvailable",
                    $"ReplicaSet \"{currentName}\" has successfully progressed.", now, "lastUpdateTime"));
            d["status"] = status;
            return d;
        });
    }

    /// <summary>Brings a ReplicaSet's pods to its replicas; returns (pods, ready pods).</summary>
    private (int Count, int Ready) ReconcileReplicaSet(string ns, string name)
    {
        if (_store.Get(_replicaSets, ns, name) is not { } replicaSet)
        {
            return (0, 0);
        }

        var replicas = Int(replicaSet["spec"]?["replicas"]) ?? 1;
        var pods = _store.Dependents(Str(replicaSet, "metadata", "uid"), "pods");
        var template = replicaSet["spec"]?["template"] as JsonObject ?? [];
        var now = _time.GetUtcNow();
        for (var i = pods.Count; i < replicas; i++)
        {
            var (node, index) = NextNode();
            _store.Create(_pods, ns, _factory.Pod(ns, $"{name}-{_factory.RandomSuffix(5)}", template, replicaSet, node, index, now, fresh: true));
        }

        foreach (var surplus in pods.OrderByDescending(p => p.Key, StringComparer.Ordinal).Take(Math.Max(0, pods.Count - replicas)))
        {
            _store.Delete(_pods, ns, surplus.Name);
        }

        var generation = Int(replicaSet["metadata"]?["generation"]) ?? 1;
        _store.UpdateStatus(_replicaSets, ns, name, rs =>
        {
            var status = new JsonObject { ["replicas"] = replicas };
            if (replicas > 0)
            {
                status["fullyLabeledReplicas"] = replicas;
                status["readyReplicas"] = replicas;
                status["availableReplicas"] = replicas;
            }

            status["observedGeneration"] = generation;
            rs["status"] = status;
            return rs;
        });
        return (replicas, replicas);
    }

    private void ReconcileStatefulSet(string ns, string name)
    {
        if (_store.Get(_statefulSets, ns, name) is not { } statefulSet)
        {
            return;
        }

        var spec = statefulSet["spec"] as JsonObject ?? [];
        var replicas = Int(spec["replicas"]) ?? 1;
        var revision = $"{name}-{ObjectFactory.PodTemplateHash(spec["template"])}";
        var pods = _store.Dependents(Str(statefulSet, "metadata", "uid"), "pods").ToDictionary(p => p.Name, StringComparer.Ordinal);
        var now = _time.GetUtcNow();
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            var podName = $"{name}-{ordinal}";
            if (pods.ContainsKey(podName))
            {
                continue;
            }

            var template = (JsonObject)(spec["template"]?.DeepClone() ?? new JsonObject());
            var metadata = template["metadata"] as JsonObject ?? [];
            template["metadata"] = metadata;
            var labels = metadata["labels"] as JsonObject ?? [];
            metadata["labels"] = labels;
            labels["controller-revision-hash"] = revision;
            labels["statefulset.kubernetes.io/pod-name"] = podName;
            labels["apps.kubernetes.io/pod-index"] = ordinal.ToString(CultureInfo.InvariantCulture);
            var (node, index) = NextNode();
            var pod = _factory.Pod(ns, podName, template, statefulSet, node, index, now, fresh: true);
            ((JsonObject)pod["metadata"]!).Remove("generateName");
            var podSpec = (JsonObject)pod["spec"]!;
            podSpec["hostname"] = podName;
            if (spec["serviceName"]?.GetValue<string>() is { Length: > 0 } serviceName)
            {
                podSpec["subdomain"] = serviceName;
            }

            _store.Create(_pods, ns, pod);
        }

        foreach (var (podName, _) in pods)
        {
            var dash = podName.LastIndexOf('-');
            if (!int.TryParse(podName.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) || ordinal >= replicas)
            {
                _store.Delete(_pods, ns, podName);
            }
        }

        var generation = Int(statefulSet["metadata"]?["generation"]) ?? 1;
        _store.UpdateStatus(_statefulSets, ns, name, sts =>
        {
            sts["status"] = new JsonObject
            {
                ["availableReplicas"] = replicas,
                ["collisionCount"] = 0,
                ["currentReplicas"] = replicas,
                ["currentRevision"] = revision,
                ["observedGeneration"] = generation,
                ["readyReplicas"] = replicas,
                ["replicas"] = replicas,
                ["updateRevision"] = revision,
                ["updatedReplicas"] = replicas,
            };
            return sts;
        });
    }

    private void ReconcileDaemonSet(string ns, string name)
    {
        if (_store.Get(_daemonSets, ns, name) is not { } daemonSet)
        {
            return;
        }

        var nodes = NodeNames();
        var spec = daemonSet["spec"] as JsonObject ?? [];
        var generation = Int(daemonSet["metadata"]?["generation"]) ?? 1;
        var pods = _store.Dependents(Str(daemonSet, "metadata", "uid"), "pods");
        var byNode = pods.GroupBy(p => p.Fields.GetValueOrDefault("spec.nodeName") ?? string.Empty, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var now = _time.GetUtcNow();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (byNode.ContainsKey(nodes[i]))
            {
                continue;
            }

            var template = (JsonObject)(spec["template"]?.DeepClone() ?? new JsonObject());
            var metadata = template["metadata"] as JsonObject ?? [];
            template["metadata"] = metadata;
            var labels = metadata["labels"] as JsonObject ?? [];
            metadata["labels"] = labels;
            labels["controller-revision-hash"] = ObjectFactory.PodTemplateHash(spec["template"])[..9];
            labels["pod-template-generation"] = generation.ToString(CultureInfo.InvariantCulture);
            _store.Create(_pods, ns, _factory.Pod(ns, $"{name}-{_factory.RandomSuffix(5)}", template, daemonSet, nodes[i], i, now, fresh: true));
        }

        foreach (var (node, nodePods) in byNode)
        {
            foreach (var pod in nodes.Contains(node) ? nodePods.Skip(1) : nodePods)
            {
                _store.Delete(_pods, ns, pod.Name);
            }
        }

        _store.UpdateStatus(_daemonSets, ns, name, ds =>
        {
            ds["status"] = new JsonObject
            {
                ["currentNumberScheduled"] = nodes.Count,
                ["desiredNumberScheduled"] = nodes.Count,
                ["numberAvailable"] = nodes.Count,
                ["numberMisscheduled"] = 0,
                ["numberReady"] = nodes.Count,
                ["observedGeneration"] = generation,
                ["updatedNumberScheduled"] = nodes.Count,
            };
            return ds;
        });
    }

    private List<string> NodeNames() =>
        _nodeNames ??= _store.List(_nodes).Select(n => Str(n, "metadata", "name")).ToList();

    private (string Node, int Index) NextNode()
    {
        var nodes = NodeNames();
        if (nodes.Count == 0)
        {
            return ("sim-control-plane", 0);
        }

        var index = _nextNode++ % nodes.Count;
        return (nodes[index], index);
    }

    /// <summary>Keeps a condition's timestamps while its status, reason and message stay the same, as controllers do.</summary>
    private static JsonObject Condition(JsonObject? previousStatus, string type, string status, string reason, string message, DateTimeOffset now, string updateField)
    {
        var previous = (previousStatus?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
        var time = ObjectJson.Timestamp(now);
        var unchanged = previous is not null
            && previous["status"]?.GetValue<string>() == status
            && previous["reason"]?.GetValue<string>() == reason
            && previous["message"]?.GetValue<string>() == message;
        return new JsonObject
        {
            ["lastTransitionTime"] = unchanged || previous?["status"]?.GetValue<string>() == status
                ? previous!["lastTransitionTime"]?.DeepClone() ?? time
                : time,
            [updateField] = unchanged ? previous![updateField]?.DeepClone() ?? time : time,
            ["message"] = message,
            ["reason"] = reason,
            ["status"] = status,
            ["type"] = type,
        };
    }

    private static int Revision(JsonObject replicaSet) =>
        int.TryParse(replicaSet["metadata"]?["annotations"]?[_revisionAnnotation]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : 0;

    private static int? Int(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;

    private static string Str(JsonObject obj, string first, string second) =>
        obj[first]?[second]?.GetValue<string>() ?? string.Empty;
}
