using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>core/v1 podtemplates (no Age column).</summary>
internal sealed class PodTemplatePrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Containers", "Names of each container in the template."),
        CommonColumns.String("Images", "Images referenced by each container in the template."),
        CommonColumns.String("Pod Labels", "The labels for the pod template."),
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var template = obj.Prop("template");
        writer.WriteStringValue(Cells.Name(obj));
        Cells.WriteContainers(writer, template.Prop("spec"));
        writer.WriteStringValue(Cells.FormatLabels(template.Prop("metadata", "labels")));
    }
}
