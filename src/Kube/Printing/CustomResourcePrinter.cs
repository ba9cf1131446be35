using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// What apiextensions-apiserver prints for a custom resource: Name, then each additionalPrinterColumn. Only the first
/// value a JSONPath selects is used; a missing value, or one of the wrong JSON type, is a null cell.
/// </summary>
internal sealed class CustomResourcePrinter : ITablePrinter
{
    private static readonly CustomColumn _defaultAge =
        new("Age", "date", null, CommonColumns.CreationTimestampDescription, 0, ".metadata.creationTimestamp");

    private readonly TableColumnDefinition[] _columns;
    private readonly CustomColumn[] _customColumns;
    private readonly SimpleJsonPath?[] _paths;

    public CustomResourcePrinter(IReadOnlyList<CustomColumn> additionalPrinterColumns)
    {
        // A CRD version without columns is served with a single Age column (serveDefaultColumnsIfEmpty).
        _customColumns = additionalPrinterColumns.Count == 0 ? [_defaultAge] : [.. additionalPrinterColumns];
        _paths = [.. _customColumns.Select(c => SimpleJsonPath.TryParse(c.JsonPath))];
        _columns =
        [
            CommonColumns.Name,
            .. _customColumns.Select(c => new TableColumnDefinition(
                c.Name,
                c.Type,
                c.Format ?? string.Empty,
                string.IsNullOrEmpty(c.Description) ? $"Custom resource definition column (in JSONPath format): {c.JsonPath}" : c.Description,
                c.Priority)),
        ];
    }

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));
        for (var i = 0; i < _customColumns.Length; i++)
        {
            var results = _paths[i]?.Evaluate(obj);
            if (results is not { Count: > 0 })
            {
                writer.WriteNullValue();
                continue;
            }

            WriteCell(writer, _customColumns[i].Type, results[0], now);
        }
    }

    private static void WriteCell(Utf8JsonWriter writer, string type, JsonElement value, DateTimeOffset now)
    {
        switch (type)
        {
            case "string":
                writer.WriteStringValue(GoText.Print(value));
                return;
            case "integer" when value.ValueKind == JsonValueKind.Number:
                writer.WriteNumberValue(value.TryGetInt64(out var integer) ? integer : (long)value.GetDouble());
                return;
            case "number" when value.ValueKind == JsonValueKind.Number:
                writer.WriteNumberValue(value.GetDouble());
                return;
            case "boolean" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                writer.WriteBooleanValue(value.ValueKind == JsonValueKind.True);
                return;
            case "date" when value.ValueKind == JsonValueKind.String:
                writer.WriteStringValue(DateCell(value.GetString() ?? string.Empty, now));
                return;
            default:
                writer.WriteNullValue();
                return;
        }
    }

    private static string DateCell(string text, DateTimeOffset now)
    {
        // metav1.Time.UnmarshalQueryParameter: empty and "null" are the zero time, anything else must be RFC 3339.
        if (text.Length == 0 || text == "null")
        {
            return Cells.Unknown;
        }

        return KubeTime.TryParse(text, out var time) ? Cells.Since(time, now) : "<invalid>";
    }
}
