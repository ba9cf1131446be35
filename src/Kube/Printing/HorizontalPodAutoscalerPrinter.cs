using System.Globalization;
using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// autoscaling horizontalpodautoscalers. v2 metrics are printed as they are; an autoscaling/v1 object's
/// targetCPUUtilizationPercentage becomes the cpu utilization metric it converts to.
/// </summary>
internal sealed class HorizontalPodAutoscalerPrinter : ITablePrinter
{
    private const string _unknown = "<unknown>";

    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Reference", "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
        CommonColumns.String("Targets", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond."),
        CommonColumns.String("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available."),
        CommonColumns.String("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas."),
        CommonColumns.String("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        var status = obj.Prop("status");
        var target = spec.Prop("scaleTargetRef");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue($"{target.Prop("kind").Str()}/{target.Prop("name").Str()}");
        writer.WriteStringValue(Targets(spec, status));
        var minReplicas = spec.Prop("minReplicas");
        writer.WriteStringValue(minReplicas.ValueKind == JsonValueKind.Number
            ? minReplicas.Long().ToString(CultureInfo.InvariantCulture)
            : Cells.Unset);
        writer.WriteNumberValue(spec.Prop("maxReplicas").Long());
        writer.WriteNumberValue(status.Prop("currentReplicas").Long());
        writer.WriteStringValue(Cells.Age(obj, now));
    }

    private static string Targets(JsonElement spec, JsonElement status)
    {
        var entries = new List<string>();
        if (spec.Prop("metrics").ValueKind == JsonValueKind.Array)
        {
            var statuses = new List<JsonElement>();
            foreach (var current in status.Prop("currentMetrics").Items())
            {
                statuses.Add(current);
            }

            var index = 0;
            foreach (var metric in spec.Prop("metrics").Items())
            {
                entries.Add(Entry(metric, index < statuses.Count ? statuses[index] : default));
                index++;
            }
        }
        else if (spec.Prop("targetCPUUtilizationPercentage").ValueKind == JsonValueKind.Number)
        {
            var current = status.Prop("currentCPUUtilizationPercentage");
            entries.Add($"cpu: {(current.ValueKind == JsonValueKind.Number ? Percent(current) : _unknown)}/{Percent(spec.Prop("targetCPUUtilizationPercentage"))}");
        }

        return entries.Count == 0 ? Cells.None : Cells.JoinWithMore(entries, 2, entries.Count, ", ");
    }

    private static string Entry(JsonElement metric, JsonElement status)
    {
        switch (metric.Prop("type").Str())
        {
            case "External":
                return ValueOrAverage(metric.Prop("external", "target"), status.Prop("external", "current"), status.Prop("external").IsSet());
            case "Object":
                return ValueOrAverage(metric.Prop("object", "target"), status.Prop("object", "current"), status.Prop("object").IsSet());
            case "Pods":
                var podsCurrent = status.Prop("pods").IsSet() ? Quantity(status.Prop("pods", "current", "averageValue")) : _unknown;
                return $"{podsCurrent}/{Quantity(metric.Prop("pods", "target", "averageValue"))}";
            case "Resource":
                return ResourceEntry(metric.Prop("resource"), status.Prop("resource"));
            case "ContainerResource":
                return ResourceEntry(metric.Prop("containerResource"), status.Prop("containerResource"));
            default:
                return "<unknown type>";
        }
    }

    private static string ValueOrAverage(JsonElement target, JsonElement current, bool hasStatus)
    {
        if (target.Prop("averageValue").IsSet())
        {
            var averageCurrent = hasStatus && current.Prop("averageValue").IsSet() ? Quantity(current.Prop("averageValue")) : _unknown;
            return $"{averageCurrent}/{Quantity(target.Prop("averageValue"))} (avg)";
        }

        var valueCurrent = hasStatus ? Quantity(current.Prop("value")) : _unknown;
        return $"{valueCurrent}/{Quantity(target.Prop("value"))}";
    }

    private static string ResourceEntry(JsonElement source, JsonElement status)
    {
        var name = source.Prop("name").Str();
        var target = source.Prop("target");
        if (target.Prop("averageValue").IsSet())
        {
            var current = status.IsSet() ? Quantity(status.Prop("current", "averageValue")) : _unknown;
            return $"{name}: {current}/{Quantity(target.Prop("averageValue"))}";
        }

        var utilization = status.Prop("current", "averageUtilization");
        var currentPercent = status.IsSet() && utilization.ValueKind == JsonValueKind.Number ? Percent(utilization) : _unknown;
        var targetUtilization = target.Prop("averageUtilization");
        var targetPercent = targetUtilization.ValueKind == JsonValueKind.Number ? Percent(targetUtilization) : "<auto>";
        return $"{name}: {currentPercent}/{targetPercent}";
    }

    private static string Percent(JsonElement value) => value.Long().ToString(CultureInfo.InvariantCulture) + "%";

    /// <summary>A quantity as the server serialized it; a nil quantity pointer prints as Go's "&lt;nil&gt;".</summary>
    private static string Quantity(JsonElement quantity) => quantity.ValueKind switch
    {
        JsonValueKind.String => quantity.Str(),
        JsonValueKind.Number => quantity.GetRawText(),
        _ => "<nil>",
    };
}
