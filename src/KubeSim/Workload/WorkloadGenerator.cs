using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Workload;

/// <summary>
/// Fills a fresh store with a deterministic (seeded) cluster: system namespaces, nodes, kube-system workloads, and
/// N application namespaces × M deployments × K pods with their ReplicaSets, Services and ConfigMaps, created over the
/// past days.
/// </summary>
internal sealed class WorkloadGenerator
{
    private static readonly string[] _namespaceWords =
    [
        "shop", "payments", "search", "analytics", "auth", "billing", "catalog", "checkout", "inventory", "media",
        "notifications", "orders", "platform", "reporting", "shipping", "web",
    ];

    private static readonly string[] _deploymentWords =
    [
        "api", "web", "worker", "cache", "frontend", "backend", "gateway", "scheduler", "indexer", "ingest",
        "notifier", "reporter", "auth", "proxy", "queue", "store",
    ];

    private static readonly (string Image, int Port)[] _images =
    [
        ("nginx:1.27.3", 80), ("redis:7.2.5", 6379), ("registry.k8s.io/e2e-test-images/agnhost:2.52", 8080),
        ("quay.io/prometheus/node-exporter:v1.8.2", 9100), ("ghcr.io/example/api-server:3.4.1", 8080),
        ("docker.io/bitnami/postgresql:16.4.0", 5432),
    ];

    private static readonly GroupVersionResource _namespaces = new(string.Empty, "v1", "namespaces");
    private static readonly GroupVersionResource _nodes = new(string.Empty, "v1", "nodes");
    private static readonly GroupVersionResource _pods = new(string.Empty, "v1", "pods");
    private static readonly GroupVersionResource _services = new(string.Empty, "v1", "services");
    private static readonly GroupVersionResource _configMaps = new(string.Empty, "v1", "configmaps");
    private static readonly GroupVersionResource _deployments = new("apps", "v1", "deployments");
    private static readonly GroupVersionResource _replicaSets = new("apps", "v1", "replicasets");
    private static readonly GroupVersionResource _daemonSets = new("apps", "v1", "daemonsets");

    private readonly SimulatorStore _store;
    private readonly SimulatorOptions _options;
    private readonly Random _random;
    private readonly ObjectFactory _factory;
    private readonly DateTimeOffset _now;
    private readonly List<string> _nodeNames = [];
    private readonly HashSet<string> _generatedNames = new(StringComparer.Ordinal);
    private int _serviceIp = 10;
    private int _created;

    public WorkloadGenerator(SimulatorStore store, SimulatorOptions options)
    {
        _store = store;
        _options = options;
        _random = new Random(options.Seed);
        _factory = new ObjectFactory(_random, options.KubernetesVersion);
        _now = options.TimeProvider.GetUtcNow();
    }

    /// <summary>Creates the cluster's objects; returns how many.</summary>
    public int Generate()
    {
        var clusterBirth = _now.AddDays(-30);
        foreach (var name in new[] { "default", "kube-node-lease", "kube-public", "kube-system" })
        {
            Add(_namespaces, null, ObjectFactory.Namespace(name, clusterBirth));
        }

        var nodeCount = Math.Max(1, _options.Nodes);
        for (var i = 0; i < nodeCount; i++)
        {
            var name = i == 0 ? $"{_options.ClusterName}-control-plane" : $"{_options.ClusterName}-worker{(i == 1 ? string.Empty : i.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
            _nodeNames.Add(name);
            Add(_nodes, null, _factory.Node(name, i, controlPlane: i == 0, clusterBirth.AddMinutes(i)));
        }

        Add(_services, "default", WithLabels(ObjectFactory.Service("default", "kubernetes", new Dictionary<string, string>(), 443, 6443, "10.96.0.1", clusterBirth), ("component", "apiserver"), ("provider", "kubernetes")));
        foreach (var ns in new[] { "default", "kube-node-lease", "kube-public", "kube-system" })
        {
            CreateRootCa(ns, clusterBirth);
        }

        var coredns = ObjectFactory.Deployment("kube-system", "coredns", 2, "registry.k8s.io/coredns/coredns:v1.12.0", 53, clusterBirth.AddMinutes(1), new Dictionary<string, string> { ["k8s-app"] = "kube-dns" });
        CreateDeployment(coredns, 2);
        Add(_services, "kube-system", ObjectFactory.Service("kube-system", "kube-dns", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" }, 53, 53, "10.96.0.10", clusterBirth.AddMinutes(1)));
        Add(_configMaps, "kube-system", ObjectFactory.ConfigMap("kube-system", "coredns", new JsonObject
        {
            ["Corefile"] = ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n",
        }, clusterBirth.AddMinutes(1)));
        CreateDeployment(ObjectFactory.Deployment("kube-system", "metrics-server", 1, "registry.k8s.io/metrics-server/metrics-server:v0.7.2", 10250, clusterBirth.AddMinutes(2), new Dictionary<string, string> { ["k8s-app"] = "metrics-server" }), 1);
        CreateKubeProxy(clusterBirth.AddMinutes(1));

        for (var n = 0; n < _options.Namespaces; n++)
        {
            var ns = _namespaceWords[n % _namespaceWords.Length] + (n < _namespaceWords.Length ? string.Empty : "-" + (n / _namespaceWords.Length).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var nsCreated = _now.AddDays(-20 + (_random.NextDouble() * 10));
            Add(_namespaces, null, ObjectFactory.Namespace(ns, nsCreated));
            CreateRootCa(ns, nsCreated);
            for (var d = 0; d < _options.DeploymentsPerNamespace; d++)
            {
                var name = _deploymentWords[d % _deploymentWords.Length] + (d < _deploymentWords.Length ? string.Empty : "-" + (d / _deploymentWords.Length).ToString(System.Globalization.CultureInfo.InvariantCulture));
                var (image, port) = _images[_random.Next(_images.Length)];
                var created = nsCreated.AddHours(_random.NextDouble() * 24 * 9);
                var deployment = ObjectFactory.Deployment(ns, name, _options.PodsPerDeployment, image, port, created);
                CreateDeployment(deployment, _options.PodsPerDeployment);
                Add(_services, ns, ObjectFactory.Service(ns, name, new Dictionary<string, string> { ["app"] = name }, port, port, NextServiceIp(), created));
                Add(_configMaps, ns, ObjectFactory.ConfigMap(ns, name + "-config", new JsonObject
                {
                    ["LOG_LEVEL"] = "info",
                    ["application.yaml"] = $"server:\n  port: {port}\nfeatures:\n  search: true\n",
                }, created));
            }
        }

        return _created;
    }

    private void CreateDeployment(JsonObject deployment, int replicas)
    {
        var metadata = (JsonObject)deployment["metadata"]!;
        var ns = metadata["namespace"]!.GetValue<string>();
        var name = metadata["name"]!.GetValue<string>();
        var created = DateTimeOffset.Parse(metadata["creationTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var hash = ObjectFactory.PodTemplateHash(deployment["spec"]!["template"]);
        deployment["status"] = ObjectFactory.DeploymentStatus(replicas, replicas, name, hash, created, ObjectJson.Timestamp(created.AddSeconds(20)));
        var stored = Create(_deployments, ns, deployment);
        var replicaSet = ObjectFactory.ReplicaSet(stored, hash, created);
        var storedSet = Create(_replicaSets, ns, replicaSet);
        var template = (JsonObject)storedSet["spec"]!["template"]!;
        var setName = storedSet["metadata"]!["name"]!.GetValue<string>();
        for (var p = 0; p < replicas; p++)
        {
            var nodeIndex = _random.Next(_nodeNames.Count);
            var pod = _factory.Pod(ns, UniqueName(setName + "-"), template, storedSet, _nodeNames[nodeIndex], nodeIndex, created.AddSeconds(1));
            Add(_pods, ns, pod);
        }
    }

    private void CreateKubeProxy(DateTimeOffset created)
    {
        var daemonSet = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "DaemonSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = "kube-proxy",
                ["namespace"] = "kube-system",
                ["creationTimestamp"] = ObjectJson.Timestamp(created),
                ["labels"] = new JsonObject { ["k8s-app"] = "kube-proxy" },
                ["annotations"] = new JsonObject { ["deprecated.daemonset.template.generation"] = "1" },
            },
            ["spec"] = new JsonObject
            {
                ["revisionHistoryLimit"] = 10,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["k8s-app"] = "kube-proxy" } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["creationTimestamp"] = null, ["labels"] = new JsonObject { ["k8s-app"] = "kube-proxy" } },
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(new JsonObject
                        {
                            ["command"] = new JsonArray("/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"),
                            ["image"] = $"registry.k8s.io/kube-proxy:{_options.KubernetesVersion}",
                            ["name"] = "kube-proxy",
                            ["securityContext"] = new JsonObject { ["privileged"] = true },
                        }),
                        ["hostNetwork"] = true,
                        ["nodeSelector"] = new JsonObject { ["kubernetes.io/os"] = "linux" },
                        ["priorityClassName"] = "system-node-critical",
                        ["serviceAccountName"] = "kube-proxy",
                    },
                },
                ["updateStrategy"] = new JsonObject
                {
                    ["rollingUpdate"] = new JsonObject { ["maxSurge"] = 0, ["maxUnavailable"] = 1 },
                    ["type"] = "RollingUpdate",
                },
            },
            ["status"] = new JsonObject
            {
                ["currentNumberScheduled"] = _nodeNames.Count,
                ["desiredNumberScheduled"] = _nodeNames.Count,
                ["numberAvailable"] = _nodeNames.Count,
                ["numberMisscheduled"] = 0,
                ["numberReady"] = _nodeNames.Count,
                ["observedGeneration"] = 1,
                ["updatedNumberScheduled"] = _nodeNames.Count,
            },
        };
        var stored = Create(_daemonSets, "kube-system", daemonSet);
        var template = (JsonObject)stored["spec"]!["template"]!;
        var hash = ObjectFactory.PodTemplateHash(template)[..9];
        template = (JsonObject)template.DeepClone();
        ((JsonObject)template["metadata"]!["labels"]!)["controller-revision-hash"] = hash;
        ((JsonObject)template["metadata"]!["labels"]!)["pod-template-generation"] = "1";
        for (var i = 0; i < _nodeNames.Count; i++)
        {
            var pod = _factory.Pod("kube-system", UniqueName("kube-proxy-"), template, stored, _nodeNames[i], i, created.AddSeconds(5));
            // kube-proxy runs on the host network: its pod IP is the node's.
            ((JsonObject)pod["status"]!)["podIP"] = ObjectFactory.NodeIp(i);
            ((JsonObject)pod["status"]!)["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ObjectFactory.NodeIp(i) });
            Add(_pods, "kube-system", pod);
        }
    }

    private void CreateRootCa(string ns, DateTimeOffset created) =>
        Add(_configMaps, ns, WithAnnotation(ObjectFactory.ConfigMap(ns, "kube-root-ca.crt", new JsonObject
        {
            ["ca.crt"] = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIS2ltdWxhdGVkMA0GCSqGSIb3DQEBCwUAMBUxEzARBgNV\nBAMTCmt1YmVybmV0ZXMwHhcNMjUwMTAxMDAwMDAwWhcNMzUwMTAxMDAwMDAwWjAV\n-----END CERTIFICATE-----\n",
        }, created), "kubernetes.io/description", "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."));

    /// <summary>A generateName-style name not used yet by this generator (27^5 suffixes do collide in big clusters).</summary>
    private string UniqueName(string prefix)
    {
        string name;
        do
        {
            name = prefix + _factory.RandomSuffix(5);
        }
        while (!_generatedNames.Add(name));

        return name;
    }

    /// <summary>Creates an object whose stored form the generator does not need back (no copy, no re-parse).</summary>
    private void Add(GroupVersionResource gvr, string? ns, JsonObject obj)
    {
        _created++;
        _store.Create(_store.Resolve(gvr), ns, obj, trusted: true);
    }

    private JsonObject Create(GroupVersionResource gvr, string? ns, JsonObject obj)
    {
        _created++;
        return _store.Create(gvr, ns, obj);
    }

    private string NextServiceIp()
    {
        var ip = _serviceIp++;
        return $"10.96.{ip / 250}.{(ip % 250) + 2}";
    }

    private static JsonObject WithLabels(JsonObject obj, params (string Key, string Value)[] labels)
    {
        var target = (JsonObject)obj["metadata"]!["labels"]!;
        foreach (var (key, value) in labels)
        {
            target[key] = value;
        }

        return obj;
    }

    private static JsonObject WithAnnotation(JsonObject obj, string key, string value)
    {
        var metadata = (JsonObject)obj["metadata"]!;
        var annotations = metadata["annotations"] as JsonObject ?? [];
        annotations[key] = value;
        metadata["annotations"] = annotations;
        return obj;
    }
}
