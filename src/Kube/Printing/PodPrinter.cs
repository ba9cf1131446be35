using System.Globalization;
using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>core/v1 pods: Ready, Status, Restarts as kubectl shows them, including init containers and sidecars.</summary>
internal sealed class PodPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        CommonColumns.String("Status", "The aggregate status of the containers in this pod."),
        CommonColumns.String("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        CommonColumns.Age,
        CommonColumns.String("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
        CommonColumns.String("Node", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename", 1),
        CommonColumns.String("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", 1),
        CommonColumns.String("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1),
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var summary = PodSummary.Of(obj);
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue($"{summary.ReadyContainers}/{summary.TotalContainers}");
        writer.WriteStringValue(summary.Reason);
        writer.WriteStringValue(summary.LastRestart is { } last && summary.Restarts != 0
            ? $"{summary.Restarts} ({Cells.Since(last, now)} ago)"
            : summary.Restarts.ToString(CultureInfo.InvariantCulture));
        writer.WriteStringValue(Cells.Age(obj, now));

        var spec = obj.Prop("spec");
        var status = obj.Prop("status");
        var ip = string.Empty;
        foreach (var podIp in status.Prop("podIPs").Items())
        {
            ip = podIp.Prop("ip").Str();
            break;
        }

        writer.WriteStringValue(OrNone(ip));
        writer.WriteStringValue(OrNone(spec.Prop("nodeName").Str()));
        writer.WriteStringValue(OrNone(status.Prop("nominatedNodeName").Str()));
        writer.WriteStringValue(ReadinessGates(spec, status));
    }

    public void WriteRowConditions(Utf8JsonWriter writer, JsonElement obj)
    {
        var (reason, message) = obj.Prop("status", "phase").Str() switch
        {
            "Succeeded" => ("Succeeded", "The pod has completed successfully."),
            "Failed" => ("Failed", "The pod failed."),
            _ => (null, null),
        };
        if (reason is null)
        {
            return;
        }

        writer.WritePropertyName("conditions");
        writer.WriteStartArray();
        writer.WriteStartObject();
        writer.WriteString("type", "Completed");
        writer.WriteString("status", "True");
        writer.WriteString("reason", reason);
        writer.WriteString("message", message);
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static string OrNone(string value) => value.Length == 0 ? Cells.None : value;

    private static string ReadinessGates(JsonElement spec, JsonElement status)
    {
        var gates = spec.Prop("readinessGates");
        var total = gates.Length();
        if (total == 0)
        {
            return Cells.None;
        }

        var trueCount = 0;
        foreach (var gate in gates.Items())
        {
            var type = gate.Prop("conditionType").Str();
            foreach (var condition in status.Prop("conditions").Items())
            {
                if (condition.Prop("type").Str() == type)
                {
                    if (condition.Prop("status").Str() == "True")
                    {
                        trueCount++;
                    }

                    break;
                }
            }
        }

        return $"{trueCount}/{total}";
    }
}
