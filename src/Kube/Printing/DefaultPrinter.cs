using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// What kube-apiserver's default table convertor prints for a resource without a printer (clusterroles, leases of
/// aggregated APIs...): the name and the creation time as an RFC 3339 UTC string, in a "date" column "Created At".
/// </summary>
internal sealed class DefaultPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        new("Created At", "date", string.Empty, CommonColumns.CreationTimestampDescription, 0),
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));

        // Go formats the zero time too, so an unset timestamp prints as year 1.
        var created = obj.Prop("metadata", "creationTimestamp").Time() ?? DateTimeOffset.MinValue;
        writer.WriteStringValue(KubeTime.Format(created));
    }
}
