using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>scheduling.k8s.io/v1 priorityclasses: Value is an integer cell, Global-Default a boolean cell.</summary>
internal sealed class PriorityClassPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.Integer("Value", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec."),
        new("Global-Default", "boolean", string.Empty, "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.", 0),
        CommonColumns.Age,
        CommonColumns.String("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."),
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteNumberValue(obj.Prop("value").Long());
        writer.WriteBooleanValue(obj.Prop("globalDefault").Bool());
        writer.WriteStringValue(Cells.Age(obj, now));
        writer.WriteStringValue(obj.Prop("preemptionPolicy").Str());
    }
}
