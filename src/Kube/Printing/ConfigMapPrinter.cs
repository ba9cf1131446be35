using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>core/v1 configmaps: Data (declared string, cell integer) counts data and binaryData keys.</summary>
internal sealed class ConfigMapPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Data", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteNumberValue(obj.Prop("data").Length() + obj.Prop("binaryData").Length());
        writer.WriteStringValue(Cells.Age(obj, now));
    }
}
