using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// apps/v1 replicasets, and core/v1 replicationcontrollers which share the columns but whose selector is a plain
/// label map.
/// </summary>
internal sealed class ReplicaSetPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _replicaSetColumns = ColumnsFor(
        "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors");

    private static readonly TableColumnDefinition[] _replicationControllerColumns = ColumnsFor(
        "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors");

    private readonly bool _replicationController;

    public ReplicaSetPrinter(bool replicationController)
    {
        _replicationController = replicationController;
    }

    public IReadOnlyList<TableColumnDefinition> Columns => _replicationController ? _replicationControllerColumns : _replicaSetColumns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        var status = obj.Prop("status");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteNumberValue(spec.Prop("replicas").Long(1));
        writer.WriteNumberValue(status.Prop("replicas").Long());
        writer.WriteNumberValue(status.Prop("readyReplicas").Long());
        writer.WriteStringValue(Cells.Age(obj, now));
        Cells.WriteContainers(writer, spec.Prop("template", "spec"));
        writer.WriteStringValue(_replicationController
            ? Cells.FormatLabels(spec.Prop("selector"))
            : LabelSelectorText.Format(spec.Prop("selector")));
    }

    private static TableColumnDefinition[] ColumnsFor(string selectorDescription) =>
    [
        CommonColumns.Name,
        CommonColumns.Integer("Desired", "Replicas is the number of desired pods. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#what-is-a-replicaset"),
        CommonColumns.Integer("Current", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#what-is-a-replicaset"),
        CommonColumns.Integer("Ready", "The number of ready replicas for this replica set. A pod is counted as ready when it has a Ready condition with status True."),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
        CommonColumns.String("Selector", selectorDescription, 1),
    ];
}
