using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Workload;

/// <summary>
/// Builds objects shaped like the ones a real cluster serves (managedFields, last-applied annotations, controller
/// owner references, pod-template-hash labels, Running pod status), for the generator and the controllers alike.
/// </summary>
internal sealed partial class ObjectFactory
{
    private const string _safeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private readonly Random _random;
    private readonly string _kubernetesVersion;

    public ObjectFactory(Random random, string kubernetesVersion)
    {
        _random = random;
        _kubernetesVersion = kubernetesVersion;
    }

    public string RandomSuffix(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = _safeAlphabet[_random.Next(_safeAlphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>Like the Deployment controller's hash: stable for a given pod template.</summary>
    public static string PodTemplateHash(JsonNode? template)
    {
        var text = template?.ToJsonString() ?? string.Empty;
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619;
        }

        var builder = new StringBuilder();
        var value = (ulong)hash * 2654435761UL;
        for (var i = 0; i < 10; i++)
        {
            builder.Append(_safeAlphabet[(int)(value % (ulong)_safeAlphabet.Length)]);
            value /= (ulong)_safeAlphabet.Length;
            if (value == 0)
            {
                value = hash + (ulong)i * 7919UL;
            }
        }

        return builder.ToString();
    }

    public static JsonObject Namespace(string name, DateTimeOffset created) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["creationTimestamp"] = ObjectJson.Timestamp(created),
            ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name },
            ["managedFields"] = new JsonArray(ManagedField("kubectl-create", "Update", "v1", created,
                new JsonObject { ["f:metadata"] = new JsonObject { ["f:labels"] = new JsonObject { ["."] = new JsonObject(), ["f:kubernetes.io/metadata.name"] = new JsonObject() } } })),
        },
        ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };

    public JsonObject Node(string name, int index, bool controlPlane, DateTimeOffset created)
    {
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
            ["topology.kubernetes.io/zone"] = $"zone-{(char)('a' + (index % 3))}",
        };
        if (controlPlane)
        {
            labels["node-role.kubernetes.io/control-plane"] = string.Empty;
        }

        var time = ObjectJson.Timestamp(created);
        var heartbeat = ObjectJson.Timestamp(created.AddDays(1));
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["creationTimestamp"] = time,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["kubeadm.alpha.kubernetes.io/cri-socket"] = "unix:///run/containerd/containerd.sock",
                    ["node.alpha.kubernetes.io/ttl"] = "0",
                    ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true",
                },
                ["managedFields"] = new JsonArray(
                    ManagedField("kubelet", "Update", "v1", created, new JsonObject { ["f:metadata"] = new JsonObject { ["f:labels"] = new JsonObject { ["f:kubernetes.io/hostname"] = new JsonObject() } } }),
                    ManagedField("kubelet", "Update", "v1", created, new JsonObject { ["f:status"] = new JsonObject { ["f:conditions"] = new JsonObject() } }, "status")),
            },
            ["spec"] = new JsonObject
            {
                ["podCIDR"] = $"10.244.{index}.0/24",
                ["podCIDRs"] = new JsonArray($"10.244.{index}.0/24"),
                ["providerID"] = $"kind://docker/sim/{name}",
            },
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["address"] = NodeIp(index), ["type"] = "InternalIP" },
                    new JsonObject { ["address"] = name, ["type"] = "Hostname" }),
                ["allocatable"] = new JsonObject { ["cpu"] = "8", ["ephemeral-storage"] = "102626232Ki", ["memory"] = "32657884Ki", ["pods"] = "110" },
                ["capacity"] = new JsonObject { ["cpu"] = "8", ["ephemeral-storage"] = "102626232Ki", ["memory"] = "32760284Ki", ["pods"] = "110" },
                ["conditions"] = new JsonArray(
                    NodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", heartbeat, time),
                    NodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", heartbeat, time),
                    NodeCondition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", heartbeat, time),
                    NodeCondition("Ready", "True", "KubeletReady", "kubelet is posting ready status", heartbeat, time)),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = "amd64",
                    ["bootID"] = Guid(),
                    ["containerRuntimeVersion"] = "containerd://2.0.3",
                    ["kernelVersion"] = "6.1.0-31-amd64",
                    ["kubeProxyVersion"] = _kubernetesVersion,
                    ["kubeletVersion"] = _kubernetesVersion,
                    ["machineID"] = Guid().Replace("-", string.Empty, StringComparison.Ordinal),
                    ["operatingSystem"] = "linux",
                    ["osImage"] = "Debian GNU/Linux 12 (bookworm)",
                    ["systemUUID"] = Guid(),
                },
            },
        };
    }

    public static string NodeIp(int index) => $"172.18.0.{index + 2}";

    public static JsonObject Service(string ns, string name, IReadOnlyDictionary<string, string> selector, int port, int targetPort, string clusterIp, DateTimeOffset created)
    {
        var selectorObject = new JsonObject();
        foreach (var (k, v) in selector)
        {
            selectorObject[k] = v;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["creationTimestamp"] = ObjectJson.Timestamp(created),
                ["labels"] = new JsonObject { ["app"] = name },
            },
            ["spec"] = new JsonObject
            {
                ["clusterIP"] = clusterIp,
                ["clusterIPs"] = new JsonArray(clusterIp),
                ["internalTrafficPolicy"] = "Cluster",
                ["ipFamilies"] = new JsonArray("IPv4"),
                ["ipFamilyPolicy"] = "SingleStack",
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = port, ["protocol"] = "TCP", ["targetPort"] = targetPort }),
                ["selector"] = selectorObject,
                ["sessionAffinity"] = "None",
                ["type"] = "ClusterIP",
            },
            ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() },
        };
    }

    public static JsonObject ConfigMap(string ns, string name, JsonObject data, DateTimeOffset created) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["creationTimestamp"] = ObjectJson.Timestamp(created),
        },
        ["data"] = data,
    };

    public static JsonObject OwnerReference(string apiVersion, string kind, string name, string uid) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["name"] = name,
        ["uid"] = uid,
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    private static JsonObject ManagedField(string manager, string operation, string apiVersion, DateTimeOffset time, JsonObject fields, string? subresource = null)
    {
        var entry = new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = operation,
            ["apiVersion"] = apiVersion,
            ["time"] = ObjectJson.Timestamp(time),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = fields,
        };
        if (subresource is not null)
        {
            entry["subresource"] = subresource;
        }

        return entry;
    }

    private static JsonObject NodeCondition(string type, string status, string reason, string message, string heartbeat, string transition) => new()
    {
        ["lastHeartbeatTime"] = heartbeat,
        ["lastTransitionTime"] = transition,
        ["message"] = message,
        ["reason"] = reason,
        ["status"] = status,
        ["type"] = type,
    };

    private string Hex(int length)
    {
        var bytes = new byte[length / 2];
        _random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private string Guid()
    {
        var bytes = new byte[16];
        _random.NextBytes(bytes);
        return new System.Guid(bytes).ToString();
    }
}
