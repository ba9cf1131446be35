using System.Text.Json;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.ClusterSynchro.Workloads.Plugins;

/// <summary>The WorkloadPlugin table: Name, Type, User, Loaded, Disabled, Error, Age (wide adds Calls and Failures).</summary>
public sealed class WorkloadPluginPrinter : ITablePrinter
{
    public static readonly WorkloadPluginPrinter Instance = new();

    public IReadOnlyList<TableColumnDefinition> Columns { get; } =
    [
        new("Name", "string", "name", "Name must be unique. Plugins run in name order.", 0),
        new("Type", "string", "", "Plugin type (lua).", 0),
        new("User", "string", "", "Where the plugin runs (server).", 0),
        new("Loaded", "string", "", "Whether the script compiled and defines GetWorkloadTypeAndName.", 0),
        new("Disabled", "string", "", "Whether the plugin is skipped after too many failed calls in a row.", 0),
        new("Error", "string", "", "The last error, with its script line.", 0),
        new("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0),
        new("Calls", "integer", "", "Calls since the script was loaded.", 1),
        new("Failures", "integer", "", "Failed calls since the script was loaded.", 1),
    ];

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var metadata = Prop(obj, "metadata");
        var spec = Prop(obj, "spec");
        var status = Prop(obj, "status");
        writer.WriteStringValue(Str(metadata, "name"));
        writer.WriteStringValue(Str(spec, "type"));
        var user = Str(spec, "user");
        writer.WriteStringValue(user.Length == 0 ? WorkloadPluginResource.UserServer : user);
        writer.WriteStringValue(Bool(status, "loaded"));
        writer.WriteStringValue(Bool(status, "disabled"));
        var error = Str(status, "error");
        writer.WriteStringValue(error.Length > 80 ? error[..77] + "..." : error);
        var created = Str(metadata, "creationTimestamp");
        writer.WriteStringValue(HumanDuration.Since(DateTimeOffset.TryParse(created, out var t) ? t : null, now));
        writer.WriteNumberValue(Int(status, "calls"));
        writer.WriteNumberValue(Int(status, "failures"));
    }

    private static JsonElement Prop(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static string Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? (v.GetBoolean() ? "True" : "False")
            : "";

    private static long Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var i) ? i : 0;
}
