using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>apps/v1 deployments.</summary>
internal sealed class DeploymentPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Ready", "Number of the pod with ready state"),
        CommonColumns.String("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
        CommonColumns.String("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
        CommonColumns.String("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1),
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        var status = obj.Prop("status");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue($"{status.Prop("readyReplicas").Long()}/{spec.Prop("replicas").Long(1)}");
        writer.WriteNumberValue(status.Prop("updatedReplicas").Long());
        writer.WriteNumberValue(status.Prop("availableReplicas").Long());
        writer.WriteStringValue(Cells.Age(obj, now));
        Cells.WriteContainers(writer, spec.Prop("template", "spec"));

        // Unlike FormatLabelSelector, an empty selector stays empty here.
        writer.WriteStringValue(LabelSelectorText.TryRender(spec.Prop("selector"), out var selector) ? selector : "<invalid>");
    }
}
