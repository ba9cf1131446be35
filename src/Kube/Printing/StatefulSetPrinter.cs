using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>apps/v1 statefulsets (no Selector column).</summary>
internal sealed class StatefulSetPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Ready", "Number of the pod with ready state"),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue($"{obj.Prop("status", "readyReplicas").Long()}/{spec.Prop("replicas").Long(1)}");
        writer.WriteStringValue(Cells.Age(obj, now));
        Cells.WriteContainers(writer, spec.Prop("template", "spec"));
    }
}
