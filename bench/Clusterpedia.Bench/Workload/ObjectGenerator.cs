using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.Storage;

namespace Clusterpedia.Bench.Workload;

/// <summary>
/// Generates the data set as stored objects would look after the synchro (managedFields dropped, cluster annotation
/// stamped): per deployment one Deployment, one ReplicaSet it controls and the ReplicaSet's pods, with labels, owner
/// references, probes, volumes and container statuses, so pods weigh 3–5 KB of JSON like real ones. Deterministic for a
/// given seed. Not thread-safe: one generator per producer.
/// </summary>
internal sealed class ObjectGenerator : IDisposable
{
    private const string _alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The workload columns a synchro with no plugins writes (ReplicaSets and pods resolve to their Deployment).</summary>
    public static readonly IWorkloadPlugins Plugins = new NoWorkloadPlugins();
    private static readonly WorkloadResolver _workloads = new(Plugins);
    private static readonly DateTimeOffset _epoch = new(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly WorkloadShape _shape;
    private readonly Random _random;
    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private readonly Utf8JsonWriter _json;
    private long _resourceVersion = 1000;

    public ObjectGenerator(WorkloadShape shape, int seed)
    {
        _shape = shape;
#pragma warning disable CA5394 // Reproducible test data, not security.
        _random = new Random(seed);
#pragma warning restore CA5394
        _json = new Utf8JsonWriter(_buffer);
    }

    public void Dispose() => _json.Dispose();

    /// <summary>Every row of the data set, cluster by cluster and namespace by namespace, as a synchro would list them.</summary>
    public IEnumerable<ResourceRecord> Generate()
    {
        for (var cluster = 0; cluster < _shape.Clusters; cluster++)
        {
            for (var ns = 0; ns < _shape.Namespaces; ns++)
            {
                for (var deployment = 0; deployment < _shape.DeploymentsPerNamespace; deployment++)
                {
                    foreach (var record in Chain(cluster, ns, deployment))
                    {
                        yield return record;
                    }
                }
            }
        }
    }

    private List<ResourceRecord> Chain(int clusterIndex, int nsIndex, int deployment)
    {
        var context = new ChainContext(
            WorkloadShape.ClusterName(clusterIndex),
            WorkloadShape.NamespaceName(nsIndex),
            WorkloadShape.DeploymentName(deployment),
            WorkloadShape.AppIndex(deployment),
            _shape.Environment(nsIndex),
            RandomString(10),
            _epoch.AddSeconds(Next(90 * 24 * 3600)));
        var records = new List<ResourceRecord>(WorkloadShape.RowsPerDeployment);

        var deploymentUid = Uid();
        records.Add(Record(context, "apps", "deployments", "Deployment", context.Deployment, deploymentUid, null, context.Created,
            rv => WriteDeployment(context, deploymentUid, rv)));

        var replicaSetName = context.Deployment + "-" + context.TemplateHash;
        var replicaSetUid = Uid();
        var replicaSetCreated = context.Created.AddSeconds(1);
        records.Add(Record(context, "apps", "replicasets", "ReplicaSet", replicaSetName, replicaSetUid, deploymentUid, replicaSetCreated,
            rv => WriteReplicaSet(context, replicaSetName, replicaSetUid, deploymentUid, rv)));

        // Five random characters, as a ReplicaSet names its pods; 27^5 suffixes make a repeat within one ReplicaSet rare
        // but not impossible (about one repeat per ten million rows), and a repeated name is the same object: draw again,
        // so the data set holds exactly the rows it counts (the 10M-row run of 2026-12-05 counted two pods short because of it).
        var podNames = new HashSet<string>(WorkloadShape.PodsPerDeployment, StringComparer.Ordinal);
        for (var pod = 0; pod < WorkloadShape.PodsPerDeployment; pod++)
        {
            string podName;
            do
            {
                podName = replicaSetName + "-" + RandomString(5);
            }
            while (!podNames.Add(podName));

            var podUid = Uid();
            var podCreated = replicaSetCreated.AddSeconds(1 + Next(3600));
            var phase = PodPhase.FromRoll(Next(100));
            records.Add(Record(context, "", "pods", "Pod", podName, podUid, replicaSetUid, podCreated,
                rv => WritePod(context, podName, podUid, replicaSetName, replicaSetUid, podCreated, phase, rv)));
        }

        return records;
    }

    private ResourceRecord Record(
        ChainContext context, string group, string resource, string kind, string name, string uid, string? ownerUid,
        DateTimeOffset created, Action<string> write)
    {
        var resourceVersion = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        _buffer.ResetWrittenCount();
        _json.Reset();
        write(resourceVersion);
        _json.Flush();
        var json = _buffer.WrittenSpan;
        var workload = default(WorkloadColumns);
        if (WorkloadRules.Applies(group, resource))
        {
            var metadata = WorkloadMetadata.MetadataOf(json);
            var read = WorkloadMetadata.Read(metadata);
            workload = _workloads.Resolve(resource, name, read.Controller, read.PodTemplateHash, metadata);
        }

        return new ResourceRecord
        {
            Cluster = context.Cluster,
            Group = group,
            Version = "v1",
            Resource = resource,
            Kind = kind,
            Namespace = context.Namespace,
            Name = name,
            Uid = uid,
            ResourceVersion = resourceVersion,
            OwnerUid = ownerUid,
            CreatedAt = created,
            Workload = workload,
            Object = json.ToArray(),
        };
    }

    private void WriteDeployment(ChainContext c, string uid, string resourceVersion)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteString("apiVersion", "apps/v1");
        w.WriteString("kind", "Deployment");
        WriteMetadata(c, c.Deployment, uid, resourceVersion, c.Created, podLabels: false);
        w.WriteStartObject("spec");
        w.WriteNumber("replicas", WorkloadShape.PodsPerDeployment);
        w.WriteNumber("revisionHistoryLimit", 10);
        w.WriteNumber("progressDeadlineSeconds", 600);
        WriteSelector(c);
        w.WriteStartObject("strategy");
        w.WriteString("type", "RollingUpdate");
        w.WriteStartObject("rollingUpdate");
        w.WriteString("maxUnavailable", "25%");
        w.WriteString("maxSurge", "25%");
        w.WriteEndObject();
        w.WriteEndObject();
        WriteTemplate(c);
        w.WriteEndObject();
        w.WriteStartObject("status");
        w.WriteNumber("observedGeneration", 3);
        w.WriteNumber("replicas", WorkloadShape.PodsPerDeployment);
        w.WriteNumber("updatedReplicas", WorkloadShape.PodsPerDeployment);
        w.WriteNumber("readyReplicas", WorkloadShape.PodsPerDeployment);
        w.WriteNumber("availableReplicas", WorkloadShape.PodsPerDeployment);
        w.WriteStartArray("conditions");
        WriteCondition("Available", "MinimumReplicasAvailable", "Deployment has minimum availability.", c.Created.AddMinutes(2));
        WriteCondition("Progressing", "NewReplicaSetAvailable", $"ReplicaSet \"{c.Deployment}-{c.TemplateHash}\" has successfully progressed.", c.Created.AddMinutes(2));
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WriteReplicaSet(ChainContext c, string name, string uid, string ownerUid, string resourceVersion)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteString("apiVersion", "apps/v1");
        w.WriteString("kind", "ReplicaSet");
        WriteMetadata(c, name, uid, resourceVersion, c.Created.AddSeconds(1), podLabels: true,
            owner: ("apps/v1", "Deployment", c.Deployment, ownerUid));
        w.WriteStartObject("spec");
        w.WriteNumber("replicas", WorkloadShape.PodsPerDeployment);
        WriteSelector(c);
        WriteTemplate(c);
        w.WriteEndObject();
        w.WriteStartObject("status");
        w.WriteNumber("replicas", WorkloadShape.PodsPerDeployment);
        w.WriteNumber("fullyLabeledReplicas", WorkloadShape.PodsPerDeployment);
        w.WriteNumber("readyReplicas", WorkloadShape.PodsPerDeployment);
        w.WriteNumber("availableReplicas", WorkloadShape.PodsPerDeployment);
        w.WriteNumber("observedGeneration", 1);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WritePod(
        ChainContext c, string name, string uid, string ownerName, string ownerUid, DateTimeOffset created, string phase,
        string resourceVersion)
    {
        var w = _json;
        var node = "node-" + (Next(60) + 1).ToString("D3", CultureInfo.InvariantCulture);
        var podIp = $"10.{Next(250)}.{Next(250)}.{Next(250) + 2}";
        w.WriteStartObject();
        w.WriteString("apiVersion", "v1");
        w.WriteString("kind", "Pod");
        WriteMetadata(c, name, uid, resourceVersion, created, podLabels: true, owner: ("apps/v1", "ReplicaSet", ownerName, ownerUid),
            generateName: ownerName + "-");
        w.WriteStartObject("spec");
        WritePodSpecBody(c, node);
        w.WriteEndObject();
        w.WriteStartObject("status");
        w.WriteString("phase", phase);
        w.WriteStartArray("conditions");
        var ready = phase == PodPhase.Running;
        WriteCondition("Initialized", null, null, created.AddSeconds(1));
        WriteCondition("Ready", ready ? null : "ContainersNotReady", ready ? null : "containers with unready status: [" + c.App + "]", created.AddSeconds(9), ready);
        WriteCondition("ContainersReady", ready ? null : "ContainersNotReady", null, created.AddSeconds(9), ready);
        WriteCondition("PodScheduled", null, null, created);
        w.WriteEndArray();
        w.WriteString("hostIP", $"192.168.{Next(8)}.{Next(250) + 2}");
        w.WriteString("podIP", podIp);
        w.WriteStartArray("podIPs");
        w.WriteStartObject();
        w.WriteString("ip", podIp);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("startTime", created);
        w.WriteStartArray("containerStatuses");
        WriteContainerStatus(c.App, $"registry.example.com/{c.Team}/{c.App}:v1.{c.AppIndex}.3", created, ready);
        WriteContainerStatus("envoy", "registry.example.com/mesh/envoy:v1.29.4", created, ready);
        w.WriteEndArray();
        w.WriteString("qosClass", "Burstable");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WriteMetadata(
        ChainContext c, string name, string uid, string resourceVersion, DateTimeOffset created, bool podLabels,
        (string ApiVersion, string Kind, string Name, string Uid)? owner = null, string? generateName = null)
    {
        var w = _json;
        w.WriteStartObject("metadata");
        w.WriteString("name", name);
        if (generateName is not null)
        {
            w.WriteString("generateName", generateName);
        }

        w.WriteString("namespace", c.Namespace);
        w.WriteString("uid", uid);
        w.WriteString("resourceVersion", resourceVersion);
        w.WriteNumber("generation", 3);
        w.WriteString("creationTimestamp", created);
        WriteLabels(c, podLabels);
        w.WriteStartObject("annotations");
        w.WriteString("shadow.clusterpedia.io/cluster-name", c.Cluster);
        w.WriteString("deployment.kubernetes.io/revision", "3");
        w.WriteString("prometheus.io/scrape", "true");
        w.WriteString("prometheus.io/port", "9090");
        w.WriteEndObject();
        if (owner is { } o)
        {
            w.WriteStartArray("ownerReferences");
            w.WriteStartObject();
            w.WriteString("apiVersion", o.ApiVersion);
            w.WriteString("kind", o.Kind);
            w.WriteString("name", o.Name);
            w.WriteString("uid", o.Uid);
            w.WriteBoolean("controller", true);
            w.WriteBoolean("blockOwnerDeletion", true);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private void WriteLabels(ChainContext c, bool withHash, string property = "labels")
    {
        var w = _json;
        w.WriteStartObject(property);
        w.WriteString("app", c.App);
        w.WriteString("app.kubernetes.io/name", c.Deployment);
        w.WriteString("app.kubernetes.io/part-of", c.App);
        w.WriteString("tier", c.Tier);
        w.WriteString("team", c.Team);
        w.WriteString("env", c.Environment);
        if (withHash)
        {
            w.WriteString("pod-template-hash", c.TemplateHash);
        }

        w.WriteEndObject();
    }

    private void WriteSelector(ChainContext c)
    {
        var w = _json;
        w.WriteStartObject("selector");
        w.WriteStartObject("matchLabels");
        w.WriteString("app", c.App);
        w.WriteString("app.kubernetes.io/name", c.Deployment);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WriteTemplate(ChainContext c)
    {
        var w = _json;
        w.WriteStartObject("template");
        w.WriteStartObject("metadata");
        w.WriteNull("creationTimestamp");
        WriteLabels(c, withHash: false);
        w.WriteEndObject();
        w.WriteStartObject("spec");
        WritePodSpecBody(c, node: null);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WritePodSpecBody(ChainContext c, string? node)
    {
        var w = _json;
        w.WriteStartArray("volumes");
        w.WriteStartObject();
        w.WriteString("name", "config");
        w.WriteStartObject("configMap");
        w.WriteString("name", c.Deployment + "-config");
        w.WriteNumber("defaultMode", 420);
        w.WriteEndObject();
        w.WriteEndObject();
        if (node is not null)
        {
            w.WriteStartObject();
            w.WriteString("name", "kube-api-access-" + RandomString(5));
            w.WriteStartObject("projected");
            w.WriteStartArray("sources");
            w.WriteStartObject();
            w.WriteStartObject("serviceAccountToken");
            w.WriteNumber("expirationSeconds", 3607);
            w.WriteString("path", "token");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteStartObject("configMap");
            w.WriteString("name", "kube-root-ca.crt");
            w.WriteStartArray("items");
            w.WriteStartObject();
            w.WriteString("key", "ca.crt");
            w.WriteString("path", "ca.crt");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteNumber("defaultMode", 420);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("containers");
        WriteContainer(c.App, $"registry.example.com/{c.Team}/{c.App}:v1.{c.AppIndex}.3", 8080, "500m", "512Mi", c, withEnv: true);
        WriteContainer("envoy", "registry.example.com/mesh/envoy:v1.29.4", 15001, "200m", "128Mi", c, withEnv: false);
        w.WriteEndArray();
        w.WriteString("restartPolicy", "Always");
        w.WriteNumber("terminationGracePeriodSeconds", 30);
        w.WriteString("dnsPolicy", "ClusterFirst");
        w.WriteString("serviceAccountName", c.App);
        w.WriteString("serviceAccount", c.App);
        if (node is not null)
        {
            w.WriteString("nodeName", node);
        }

        w.WriteStartObject("securityContext");
        w.WriteNumber("runAsUser", 1000);
        w.WriteBoolean("runAsNonRoot", true);
        w.WriteEndObject();
        w.WriteString("schedulerName", "default-scheduler");
        w.WriteStartArray("tolerations");
        foreach (var taint in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
        {
            w.WriteStartObject();
            w.WriteString("key", taint);
            w.WriteString("operator", "Exists");
            w.WriteString("effect", "NoExecute");
            w.WriteNumber("tolerationSeconds", 300);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("priority", 0);
        w.WriteBoolean("enableServiceLinks", true);
        w.WriteString("preemptionPolicy", "PreemptLowerPriority");
    }

    private void WriteContainer(string name, string image, int port, string cpu, string memory, ChainContext c, bool withEnv)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("image", image);
        w.WriteStartArray("ports");
        WritePort("http", port);
        WritePort("metrics", 9090);
        w.WriteEndArray();
        if (withEnv)
        {
            w.WriteStartArray("env");
            WriteEnv("APP_NAME", c.App);
            WriteEnv("APP_ENV", c.Environment);
            WriteEnv("LOG_LEVEL", "info");
            WriteEnv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability.svc:4317");
            WriteEnv("DATABASE_URL", $"postgres://{c.App}@db.{c.Namespace}.svc:5432/{c.App}");
            w.WriteStartObject();
            w.WriteString("name", "POD_NAME");
            w.WriteStartObject("valueFrom");
            w.WriteStartObject("fieldRef");
            w.WriteString("apiVersion", "v1");
            w.WriteString("fieldPath", "metadata.name");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteStartObject("resources");
        w.WriteStartObject("limits");
        w.WriteString("cpu", cpu);
        w.WriteString("memory", memory);
        w.WriteEndObject();
        w.WriteStartObject("requests");
        w.WriteString("cpu", "100m");
        w.WriteString("memory", "64Mi");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("volumeMounts");
        w.WriteStartObject();
        w.WriteString("name", "config");
        w.WriteString("mountPath", "/etc/" + name);
        w.WriteBoolean("readOnly", true);
        w.WriteEndObject();
        w.WriteEndArray();
        if (withEnv)
        {
            WriteProbe("livenessProbe", port, "/healthz");
            WriteProbe("readinessProbe", port, "/ready");
        }

        w.WriteString("terminationMessagePath", "/dev/termination-log");
        w.WriteString("terminationMessagePolicy", "File");
        w.WriteString("imagePullPolicy", "IfNotPresent");
        w.WriteEndObject();
    }

    private void WritePort(string name, int port)
    {
        _json.WriteStartObject();
        _json.WriteString("name", name);
        _json.WriteNumber("containerPort", port);
        _json.WriteString("protocol", "TCP");
        _json.WriteEndObject();
    }

    private void WriteEnv(string name, string value)
    {
        _json.WriteStartObject();
        _json.WriteString("name", name);
        _json.WriteString("value", value);
        _json.WriteEndObject();
    }

    private void WriteProbe(string property, int port, string path)
    {
        var w = _json;
        w.WriteStartObject(property);
        w.WriteStartObject("httpGet");
        w.WriteString("path", path);
        w.WriteNumber("port", port);
        w.WriteString("scheme", "HTTP");
        w.WriteEndObject();
        w.WriteNumber("initialDelaySeconds", 10);
        w.WriteNumber("timeoutSeconds", 1);
        w.WriteNumber("periodSeconds", 10);
        w.WriteNumber("successThreshold", 1);
        w.WriteNumber("failureThreshold", 3);
        w.WriteEndObject();
    }

    private void WriteCondition(string type, string? reason, string? message, DateTimeOffset at, bool status = true)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("status", status ? "True" : "False");
        w.WriteNull("lastProbeTime");
        w.WriteString("lastTransitionTime", at);
        if (reason is not null)
        {
            w.WriteString("reason", reason);
        }

        if (message is not null)
        {
            w.WriteString("message", message);
        }

        w.WriteEndObject();
    }

    private void WriteContainerStatus(string name, string image, DateTimeOffset created, bool ready)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteStartObject("state");
        if (ready)
        {
            w.WriteStartObject("running");
            w.WriteString("startedAt", created.AddSeconds(5));
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartObject("waiting");
            w.WriteString("reason", "ContainerCreating");
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteStartObject("lastState");
        w.WriteEndObject();
        w.WriteBoolean("ready", ready);
        w.WriteNumber("restartCount", Next(3));
        w.WriteString("image", image);
        w.WriteString("imageID", image.Split(':')[0] + "@sha256:" + Hex(64));
        w.WriteString("containerID", "containerd://" + Hex(64));
        w.WriteBoolean("started", ready);
        w.WriteEndObject();
    }

#pragma warning disable CA5394 // Reproducible test data, not security.
    private int Next(int exclusiveMax) => _random.Next(exclusiveMax);

    private string Uid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private string RandomString(int length) =>
        string.Create(length, _random, static (span, random) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = _alphabet[random.Next(_alphabet.Length)];
            }
        });

    private string Hex(int length) =>
        string.Create(length, _random, static (span, random) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = "0123456789abcdef"[random.Next(16)];
            }
        });
#pragma warning restore CA5394
}
