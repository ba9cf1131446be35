using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>node.k8s.io/v1 runtimeclasses.</summary>
internal sealed class RuntimeClassPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Handler", "handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class."),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(obj.Prop("handler").Str());
        writer.WriteStringValue(Cells.Age(obj, now));
    }
}
