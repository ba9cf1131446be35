using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>core/v1 namespaces.</summary>
internal sealed class NamespacePrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Status", "The status of the namespace"),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(obj.Prop("status", "phase").Str());
        writer.WriteStringValue(Cells.Age(obj, now));
    }
}
