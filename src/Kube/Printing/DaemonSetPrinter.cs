using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>apps/v1 daemonsets.</summary>
internal sealed class DaemonSetPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.Integer("Desired", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
        CommonColumns.Integer("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
        CommonColumns.Integer("Ready", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
        CommonColumns.Integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
        CommonColumns.Integer("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
        CommonColumns.String("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
        CommonColumns.String("Selector", "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        var status = obj.Prop("status");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteNumberValue(status.Prop("desiredNumberScheduled").Long());
        writer.WriteNumberValue(status.Prop("currentNumberScheduled").Long());
        writer.WriteNumberValue(status.Prop("numberReady").Long());
        writer.WriteNumberValue(status.Prop("updatedNumberScheduled").Long());
        writer.WriteNumberValue(status.Prop("numberAvailable").Long());
        writer.WriteStringValue(Cells.FormatLabels(spec.Prop("template", "spec", "nodeSelector")));
        writer.WriteStringValue(Cells.Age(obj, now));
        Cells.WriteContainers(writer, spec.Prop("template", "spec"));
        writer.WriteStringValue(LabelSelectorText.Format(spec.Prop("selector")));
    }
}
