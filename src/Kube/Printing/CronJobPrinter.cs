using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>batch/v1 cronjobs. Suspend is declared boolean but its cell is the string "True", "False" or "&lt;unset&gt;".</summary>
internal sealed class CronJobPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
        CommonColumns.String("Timezone", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
        new("Suspend", "boolean", string.Empty, "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.", 0),
        CommonColumns.Integer("Active", "A list of pointers to currently running jobs."),
        CommonColumns.String("Last Schedule", "Information when was the last time the job was successfully scheduled."),
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
        writer.WriteStringValue(spec.Prop("schedule").Str());
        var timeZone = spec.Prop("timeZone");
        writer.WriteStringValue(timeZone.ValueKind == JsonValueKind.String ? timeZone.Str() : Cells.None);
        writer.WriteStringValue(spec.Prop("suspend").ValueKind switch
        {
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            _ => Cells.Unset,
        });
        writer.WriteNumberValue(status.Prop("active").Length());
        var lastSchedule = status.Prop("lastScheduleTime").Time();
        writer.WriteStringValue(lastSchedule is null ? Cells.None : Cells.Since(lastSchedule, now));
        writer.WriteStringValue(Cells.Age(obj, now));
        var jobSpec = spec.Prop("jobTemplate", "spec");
        Cells.WriteContainers(writer, jobSpec.Prop("template", "spec"));
        writer.WriteStringValue(LabelSelectorText.Format(jobSpec.Prop("selector")));
    }
}
