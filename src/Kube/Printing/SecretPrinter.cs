using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>core/v1 secrets: Type, and Data (declared string, cell integer).</summary>
internal sealed class SecretPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Type", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
        CommonColumns.String("Data", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(obj.Prop("type").Str());

        // The apiserver merges stringData into data on write, so a stored secret only has data.
        writer.WriteNumberValue(obj.Prop("data").Length());
        writer.WriteStringValue(Cells.Age(obj, now));
    }
}
