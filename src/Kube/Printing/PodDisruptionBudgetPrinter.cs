using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>policy/v1 poddisruptionbudgets.</summary>
internal sealed class PodDisruptionBudgetPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Min Available", "The minimum number of pods that must be available."),
        CommonColumns.String("Max Unavailable", "The maximum number of pods that may be unavailable."),
        CommonColumns.Integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(IntOrString(spec.Prop("minAvailable")));
        writer.WriteStringValue(IntOrString(spec.Prop("maxUnavailable")));
        writer.WriteNumberValue(obj.Prop("status", "disruptionsAllowed").Long());
        writer.WriteStringValue(Cells.Age(obj, now));
    }

    /// <summary>An IntOrString as text ("1", "50%"), or "N/A" when unset.</summary>
    private static string IntOrString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.String => value.Str(),
        _ => "N/A",
    };
}
