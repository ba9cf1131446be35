using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>batch/v1 jobs: Status from the first condition of each type, Completions, Duration.</summary>
internal sealed class JobPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Status", "Status of the job."),
        CommonColumns.String("Completions", "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs."),
        CommonColumns.String("Duration", "Time required to complete the job."),
        CommonColumns.Age,
        CommonColumns.Containers,
        CommonColumns.Images,
        CommonColumns.String("Selector", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        var status = obj.Prop("status");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(Status(obj, status));

        var succeeded = status.Prop("succeeded").Long();
        var completions = spec.Prop("completions");
        var parallelism = spec.Prop("parallelism").Long(1);
        writer.WriteStringValue(completions.ValueKind == JsonValueKind.Number
            ? $"{succeeded}/{completions.Long()}"
            : parallelism > 1 ? $"{succeeded}/1 of {parallelism}" : $"{succeeded}/1");

        var start = status.Prop("startTime").Time();
        var completion = status.Prop("completionTime").Time();
        writer.WriteStringValue(start is null
            ? string.Empty
            : HumanDuration.Format((completion ?? now) - start.Value));
        writer.WriteStringValue(Cells.Age(obj, now));
        Cells.WriteContainers(writer, spec.Prop("template", "spec"));
        writer.WriteStringValue(LabelSelectorText.Format(spec.Prop("selector")));
    }

    private static string Status(JsonElement obj, JsonElement status)
    {
        if (FirstConditionTrue(status, "Complete"))
        {
            return "Complete";
        }

        if (FirstConditionTrue(status, "Failed"))
        {
            return "Failed";
        }

        if (obj.Prop("metadata", "deletionTimestamp").IsSet())
        {
            return "Terminating";
        }

        if (FirstConditionTrue(status, "Suspended"))
        {
            return "Suspended";
        }

        return FirstConditionTrue(status, "FailureTarget") ? "FailureTarget" : "Running";
    }

    private static bool FirstConditionTrue(JsonElement status, string type)
    {
        foreach (var condition in status.Prop("conditions").Items())
        {
            if (condition.Prop("type").Str() == type)
            {
                return condition.Prop("status").Str() == "True";
            }
        }

        return false;
    }
}
