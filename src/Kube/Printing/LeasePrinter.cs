using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>coordination.k8s.io/v1 leases.</summary>
internal sealed class LeasePrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Holder", "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field."),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(obj.Prop("spec", "holderIdentity").Str());
        writer.WriteStringValue(Cells.Age(obj, now));
    }
}
