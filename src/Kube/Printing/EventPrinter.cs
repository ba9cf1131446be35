using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// Events, core/v1 or events.k8s.io/v1 (the apiserver prints both from one internal type, so the newer field names
/// are mapped back). The Name column comes last and is priority 1.
/// </summary>
internal sealed class EventPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.String("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
        CommonColumns.String("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
        CommonColumns.String("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        CommonColumns.String("Object", "The object that this event is about."),
        CommonColumns.String("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.", 1),
        CommonColumns.String("Source", "The component reporting this event. Should be a short machine understandable string.", 1),
        CommonColumns.String("Message", "A human-readable description of the status of this operation."),
        CommonColumns.String("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
        CommonColumns.String("Count", "The number of times this event has occurred.", 1),
        new("Name", "string", "name", CommonColumns.NameDescription, 1),
    ];

    private readonly bool _eventsApi;

    /// <param name="eventsApi">True for events.k8s.io objects (regarding, note, deprecated* fields).</param>
    public EventPrinter(bool eventsApi)
    {
        _eventsApi = eventsApi;
    }

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var involved = obj.Prop(_eventsApi ? "regarding" : "involvedObject");
        var source = obj.Prop(_eventsApi ? "deprecatedSource" : "source");
        var firstTimestamp = obj.Prop(_eventsApi ? "deprecatedFirstTimestamp" : "firstTimestamp").Time();
        var lastTimestamp = obj.Prop(_eventsApi ? "deprecatedLastTimestamp" : "lastTimestamp").Time();
        var series = obj.Prop("series");

        var firstSeen = Cells.Since(firstTimestamp ?? obj.Prop("eventTime").Time(), now);
        var lastSeen = lastTimestamp is null ? firstSeen : Cells.Since(lastTimestamp, now);
        long count;
        if (series.IsSet())
        {
            lastSeen = Cells.Since(series.Prop("lastObservedTime"), now);
            count = series.Prop("count").Long();
        }
        else
        {
            // Singleton events of the newer API leave count unset.
            count = obj.Prop(_eventsApi ? "deprecatedCount" : "count").Long();
            if (count == 0)
            {
                count = 1;
            }
        }

        var kind = involved.Prop("kind").Str().ToLowerInvariant();
        var name = involved.Prop("name").Str();

        writer.WriteStringValue(lastSeen);
        writer.WriteStringValue(obj.Prop("type").Str());
        writer.WriteStringValue(obj.Prop("reason").Str());
        writer.WriteStringValue(name.Length > 0 ? $"{kind}/{name}" : kind);
        writer.WriteStringValue(involved.Prop("fieldPath").Str());
        writer.WriteStringValue(Source(obj, source, _eventsApi ? "reportingController" : "reportingComponent"));
        writer.WriteStringValue(obj.Prop(_eventsApi ? "note" : "message").Str().Trim());
        writer.WriteStringValue(firstSeen);
        writer.WriteNumberValue(count);
        writer.WriteStringValue(Cells.Name(obj));
    }

    /// <summary>formatEventSource: the component (or reporting controller), then ", host" (or reporting instance) when known.</summary>
    private static string Source(JsonElement obj, JsonElement source, string reportingControllerField)
    {
        var component = FirstNonEmpty(source.Prop("component").Str(), obj.Prop(reportingControllerField).Str());
        var host = FirstNonEmpty(source.Prop("host").Str(), obj.Prop("reportingInstance").Str());
        return host.Length == 0 ? component : $"{component}, {host}";
    }

    private static string FirstNonEmpty(string first, string second) => first.Length > 0 ? first : second;
}
