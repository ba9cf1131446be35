using System.Globalization;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Workload;

// Deployments, their ReplicaSets and pods, shaped as kube-controller-manager leaves them.
internal sealed partial class ObjectFactory
{
    /// <summary>A Deployment as <c>kubectl apply</c> leaves it after a finished rollout.</summary>
    public static JsonObject Deployment(string ns, string name, int replicas, string image, int port, DateTimeOffset created, IReadOnlyDictionary<string, string>? extraLabels = null)
    {
        var labels = new JsonObject { ["app"] = name };
        if (extraLabels is not null)
        {
            foreach (var (k, v) in extraLabels)
            {
                labels[k] = v;
            }
        }

        var container = new JsonObject
        {
            ["image"] = image,
            ["name"] = name,
            ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = port, ["name"] = "http", ["protocol"] = "TCP" }),
            ["resources"] = new JsonObject
            {
                ["limits"] = new JsonObject { ["memory"] = "256Mi" },
                ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" },
            },
        };
        var applied = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject(), ["labels"] = labels.DeepClone(), ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(container.DeepClone()) },
                },
            },
        };
        var fullContainer = (JsonObject)container.DeepClone();
        fullContainer["imagePullPolicy"] = "IfNotPresent";
        fullContainer["terminationMessagePath"] = "/dev/termination-log";
        fullContainer["terminationMessagePolicy"] = "File";
        var time = ObjectJson.Timestamp(created);
        var ready = ObjectJson.Timestamp(created.AddSeconds(20));
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["creationTimestamp"] = time,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["deployment.kubernetes.io/revision"] = "1",
                    ["kubectl.kubernetes.io/last-applied-configuration"] = applied.ToJsonString() + "\n",
                },
                ["managedFields"] = new JsonArray(
                    ManagedField("kubectl-client-side-apply", "Update", "apps/v1", created, new JsonObject
                    {
                        ["f:metadata"] = new JsonObject { ["f:annotations"] = new JsonObject { ["."] = new JsonObject(), ["f:kubectl.kubernetes.io/last-applied-configuration"] = new JsonObject() }, ["f:labels"] = new JsonObject { ["."] = new JsonObject(), ["f:app"] = new JsonObject() } },
                        ["f:spec"] = new JsonObject { ["f:progressDeadlineSeconds"] = new JsonObject(), ["f:replicas"] = new JsonObject(), ["f:revisionHistoryLimit"] = new JsonObject(), ["f:selector"] = new JsonObject(), ["f:strategy"] = new JsonObject { ["f:rollingUpdate"] = new JsonObject { ["."] = new JsonObject(), ["f:maxSurge"] = new JsonObject(), ["f:maxUnavailable"] = new JsonObject() }, ["f:type"] = new JsonObject() }, ["f:template"] = new JsonObject { ["f:metadata"] = new JsonObject { ["f:labels"] = new JsonObject { ["."] = new JsonObject(), ["f:app"] = new JsonObject() } }, ["f:spec"] = new JsonObject { ["f:containers"] = new JsonObject { [$"k:{{\"name\":\"{name}\"}}"] = new JsonObject { ["."] = new JsonObject(), ["f:image"] = new JsonObject(), ["f:imagePullPolicy"] = new JsonObject(), ["f:name"] = new JsonObject(), ["f:ports"] = new JsonObject(), ["f:resources"] = new JsonObject() } }, ["f:dnsPolicy"] = new JsonObject(), ["f:restartPolicy"] = new JsonObject(), ["f:schedulerName"] = new JsonObject(), ["f:securityContext"] = new JsonObject(), ["f:terminationGracePeriodSeconds"] = new JsonObject() } } },
                    }),
                    ManagedField("kube-controller-manager", "Update", "apps/v1", created.AddSeconds(20), new JsonObject
                    {
                        ["f:metadata"] = new JsonObject { ["f:annotations"] = new JsonObject { ["f:deployment.kubernetes.io/revision"] = new JsonObject() } },
                        ["f:status"] = new JsonObject { ["f:availableReplicas"] = new JsonObject(), ["f:conditions"] = new JsonObject(), ["f:observedGeneration"] = new JsonObject(), ["f:readyReplicas"] = new JsonObject(), ["f:replicas"] = new JsonObject(), ["f:updatedReplicas"] = new JsonObject() },
                    }, "status")),
            },
            ["spec"] = new JsonObject
            {
                ["progressDeadlineSeconds"] = 600,
                ["replicas"] = replicas,
                ["revisionHistoryLimit"] = 10,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["strategy"] = new JsonObject
                {
                    ["rollingUpdate"] = new JsonObject { ["maxSurge"] = "25%", ["maxUnavailable"] = "25%" },
                    ["type"] = "RollingUpdate",
                },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["creationTimestamp"] = null, ["labels"] = new JsonObject { ["app"] = name } },
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(fullContainer),
                        ["dnsPolicy"] = "ClusterFirst",
                        ["restartPolicy"] = "Always",
                        ["schedulerName"] = "default-scheduler",
                        ["securityContext"] = new JsonObject(),
                        ["terminationGracePeriodSeconds"] = 30,
                    },
                },
            },
            ["status"] = DeploymentStatus(replicas, replicas, name, "abcdefghij", created, ready),
        };
    }

    public static JsonObject DeploymentStatus(int replicas, int ready, string name, string hash, DateTimeOffset created, string readyTime)
    {
        var time = ObjectJson.Timestamp(created);
        var status = new JsonObject
        {
            ["observedGeneration"] = 1,
            ["replicas"] = replicas,
            ["updatedReplicas"] = replicas,
        };
        if (ready > 0)
        {
            status["readyReplicas"] = ready;
            status["availableReplicas"] = ready;
        }

        var available = ready >= replicas;
        status["conditions"] = new JsonArray(
            new JsonObject
            {
                ["lastTransitionTime"] = readyTime,
                ["lastUpdateTime"] = readyTime,
                ["message"] = available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
                ["reason"] = available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                ["status"] = available ? "True" : "False",
                ["type"] = "Available",
            },
            new JsonObject
            {
                ["lastTransitionTime"] = time,
                ["lastUpdateTime"] = readyTime,
                ["message"] = $"ReplicaSet \"{name}-{hash}\" has successfully progressed.",
                ["reason"] = "NewReplicaSetAvailable",
                ["status"] = "True",
                ["type"] = "Progressing",
            });
        return status;
    }

    /// <summary>The ReplicaSet the Deployment controller creates for a deployment's current template.</summary>
    public static JsonObject ReplicaSet(JsonObject deployment, string hash, DateTimeOffset created)
    {
        var metadata = (JsonObject)deployment["metadata"]!;
        var name = metadata["name"]!.GetValue<string>();
        var ns = metadata["namespace"]!.GetValue<string>();
        var spec = (JsonObject)deployment["spec"]!;
        var replicas = spec["replicas"]?.GetValue<int>() ?? 1;
        var template = (JsonObject)spec["template"]!.DeepClone();
        var templateMetadata = template["metadata"] as JsonObject ?? [];
        template["metadata"] = templateMetadata;
        var templateLabels = templateMetadata["labels"] as JsonObject ?? [];
        templateMetadata["labels"] = templateLabels;
        templateLabels["pod-template-hash"] = hash;
        var selector = (JsonObject)(spec["selector"]?.DeepClone() ?? new JsonObject());
        var matchLabels = selector["matchLabels"] as JsonObject ?? [];
        selector["matchLabels"] = matchLabels;
        matchLabels["pod-template-hash"] = hash;
        var labels = (JsonObject)templateLabels.DeepClone();
        var time = ObjectJson.Timestamp(created);
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{name}-{hash}",
                ["namespace"] = ns,
                ["creationTimestamp"] = time,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
                    ["deployment.kubernetes.io/max-replicas"] = (replicas + (int)Math.Ceiling(replicas * 0.25)).ToString(CultureInfo.InvariantCulture),
                    ["deployment.kubernetes.io/revision"] = "1",
                },
                ["ownerReferences"] = new JsonArray(OwnerReference("apps/v1", "Deployment", name, metadata["uid"]!.GetValue<string>())),
                ["managedFields"] = new JsonArray(ManagedField("kube-controller-manager", "Update", "apps/v1", created, new JsonObject
                {
                    ["f:metadata"] = new JsonObject { ["f:annotations"] = new JsonObject(), ["f:labels"] = new JsonObject(), ["f:ownerReferences"] = new JsonObject() },
                    ["f:spec"] = new JsonObject { ["f:replicas"] = new JsonObject(), ["f:selector"] = new JsonObject(), ["f:template"] = new JsonObject() },
                })),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = selector,
                ["template"] = template,
            },
            ["status"] = new JsonObject
            {
                ["availableReplicas"] = replicas,
                ["fullyLabeledReplicas"] = replicas,
                ["observedGeneration"] = 1,
                ["readyReplicas"] = replicas,
                ["replicas"] = replicas,
            },
        };
    }

    /// <summary>A Running pod of a controller (ReplicaSet, DaemonSet...), bound to a node, containers ready.</summary>
    /// <remarks>A <paramref name="fresh"/> pod (made by the controller now) started at once and never restarted.</remarks>
    public JsonObject Pod(string ns, string name, JsonObject template, JsonObject owner, string nodeName, int nodeIndex, DateTimeOffset created, bool fresh = false)
    {
        var ownerMetadata = (JsonObject)owner["metadata"]!;
        var ownerName = ownerMetadata["name"]!.GetValue<string>();
        var templateMetadata = template["metadata"] as JsonObject;
        var spec = (JsonObject)(template["spec"]?.DeepClone() ?? new JsonObject());
        var containers = spec["containers"] as JsonArray ?? [];
        var volumeName = "kube-api-access-" + RandomSuffix(5);
        foreach (var container in containers.OfType<JsonObject>())
        {
            container["imagePullPolicy"] ??= "IfNotPresent";
            container["terminationMessagePath"] ??= "/dev/termination-log";
            container["terminationMessagePolicy"] ??= "File";
            container["volumeMounts"] = new JsonArray(new JsonObject
            {
                ["mountPath"] = "/var/run/secrets/kubernetes.io/serviceaccount",
                ["name"] = volumeName,
                ["readOnly"] = true,
            });
        }

        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["enableServiceLinks"] = true;
        spec["nodeName"] = nodeName;
        spec["preemptionPolicy"] = "PreemptLowerPriority";
        spec["priority"] = 0;
        spec["restartPolicy"] ??= "Always";
        spec["schedulerName"] ??= "default-scheduler";
        spec["securityContext"] ??= new JsonObject();
        spec["serviceAccount"] = "default";
        spec["serviceAccountName"] = "default";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["tolerations"] = new JsonArray(
            new JsonObject { ["effect"] = "NoExecute", ["key"] = "node.kubernetes.io/not-ready", ["operator"] = "Exists", ["tolerationSeconds"] = 300 },
            new JsonObject { ["effect"] = "NoExecute", ["key"] = "node.kubernetes.io/unreachable", ["operator"] = "Exists", ["tolerationSeconds"] = 300 });
        spec["volumes"] = new JsonArray(new JsonObject
        {
            ["name"] = volumeName,
            ["projected"] = new JsonObject
            {
                ["defaultMode"] = 420,
                ["sources"] = new JsonArray(
                    new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } },
                    new JsonObject { ["configMap"] = new JsonObject { ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }), ["name"] = "kube-root-ca.crt" } },
                    new JsonObject { ["downwardAPI"] = new JsonObject { ["items"] = new JsonArray(new JsonObject { ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" }, ["path"] = "namespace" }) } }),
            },
        });

        var podIp = $"10.244.{nodeIndex}.{_random.Next(2, 254)}";
        var started = fresh ? created : created.AddSeconds(2);
        var readyAt = fresh ? created : created.AddSeconds(4 + _random.Next(10));
        var startedText = ObjectJson.Timestamp(started);
        var readyText = ObjectJson.Timestamp(readyAt);
        var createdText = ObjectJson.Timestamp(created);
        var restarts = !fresh && _random.Next(10) == 0 ? _random.Next(1, 4) : 0;
        var statuses = new JsonArray();
        foreach (var container in containers.OfType<JsonObject>())
        {
            var image = container["image"]?.GetValue<string>() ?? "busybox";
            var status = new JsonObject
            {
                ["containerID"] = "containerd://" + Hex(64),
                ["image"] = image.Contains('/', StringComparison.Ordinal) ? image : "docker.io/library/" + image,
                ["imageID"] = (image.Contains('/', StringComparison.Ordinal) ? image.Split(':')[0] : "docker.io/library/" + image.Split(':')[0]) + "@sha256:" + Hex(64),
                ["lastState"] = new JsonObject(),
                ["name"] = container["name"]?.GetValue<string>(),
                ["ready"] = true,
                ["restartCount"] = restarts,
                ["started"] = true,
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = startedText } },
                ["volumeMounts"] = new JsonArray(new JsonObject
                {
                    ["mountPath"] = "/var/run/secrets/kubernetes.io/serviceaccount",
                    ["name"] = volumeName,
                    ["readOnly"] = true,
                    ["recursiveReadOnly"] = "Disabled",
                }),
            };
            if (restarts > 0)
            {
                status["lastState"] = new JsonObject
                {
                    ["terminated"] = new JsonObject
                    {
                        ["containerID"] = "containerd://" + Hex(64),
                        ["exitCode"] = 137,
                        ["finishedAt"] = startedText,
                        ["reason"] = "OOMKilled",
                        ["startedAt"] = createdText,
                    },
                };
            }

            statuses.Add(status);
        }

        var labels = (JsonObject)(templateMetadata?["labels"]?.DeepClone() ?? new JsonObject());
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["generateName"] = ownerName + "-",
            ["namespace"] = ns,
            ["creationTimestamp"] = createdText,
            ["labels"] = labels,
            ["ownerReferences"] = new JsonArray(OwnerReference(
                owner["apiVersion"]!.GetValue<string>(), owner["kind"]!.GetValue<string>(), ownerName, ownerMetadata["uid"]!.GetValue<string>())),
            ["managedFields"] = new JsonArray(
                ManagedField("kube-controller-manager", "Update", "v1", created, new JsonObject
                {
                    ["f:metadata"] = new JsonObject { ["f:generateName"] = new JsonObject(), ["f:labels"] = new JsonObject(), ["f:ownerReferences"] = new JsonObject() },
                    ["f:spec"] = new JsonObject { ["f:containers"] = new JsonObject(), ["f:dnsPolicy"] = new JsonObject(), ["f:enableServiceLinks"] = new JsonObject(), ["f:restartPolicy"] = new JsonObject(), ["f:schedulerName"] = new JsonObject(), ["f:securityContext"] = new JsonObject(), ["f:terminationGracePeriodSeconds"] = new JsonObject() },
                }),
                ManagedField("kubelet", "Update", "v1", readyAt, new JsonObject
                {
                    ["f:status"] = new JsonObject { ["f:conditions"] = new JsonObject(), ["f:containerStatuses"] = new JsonObject(), ["f:hostIP"] = new JsonObject(), ["f:hostIPs"] = new JsonObject(), ["f:phase"] = new JsonObject(), ["f:podIP"] = new JsonObject(), ["f:podIPs"] = new JsonObject(), ["f:startTime"] = new JsonObject() },
                }, "status")),
        };
        if (templateMetadata?["annotations"] is JsonObject annotations)
        {
            metadata["annotations"] = annotations.DeepClone();
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray(
                    PodCondition("PodReadyToStartContainers", startedText),
                    PodCondition("Initialized", createdText),
                    PodCondition("Ready", readyText),
                    PodCondition("ContainersReady", readyText),
                    PodCondition("PodScheduled", createdText)),
                ["containerStatuses"] = statuses,
                ["hostIP"] = NodeIp(nodeIndex),
                ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = NodeIp(nodeIndex) }),
                ["phase"] = "Running",
                ["podIP"] = podIp,
                ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp }),
                ["qosClass"] = "Burstable",
                ["startTime"] = createdText,
            },
        };
    }

    private static JsonObject PodCondition(string type, string time) => new()
    {
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = time,
        ["status"] = "True",
        ["type"] = type,
    };
}
