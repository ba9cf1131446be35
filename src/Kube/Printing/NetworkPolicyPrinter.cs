using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>networking.k8s.io/v1 networkpolicies.</summary>
internal sealed class NetworkPolicyPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace."),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(LabelSelectorText.Format(obj.Prop("spec", "podSelector")));
        writer.WriteStringValue(Cells.Age(obj, now));
    }
}
