using System.Text.Json;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// The PediaCluster table: Name, then <see cref="PediaClusterPrinterColumn.All"/> (Ready, Version, APIServer; wide adds
/// Validated, SynchroRunning, ClusterHealthy). APIServer falls back to spec.apiserver until the status has one.
/// </summary>
public sealed class PediaClusterPrinter : ITablePrinter
{
    public static readonly PediaClusterPrinter Instance = new();

    public IReadOnlyList<TableColumnDefinition> Columns { get; } =
    [
        new("Name", "string", "name", "Name must be unique within a namespace.", 0),
        .. PediaClusterPrinterColumn.All.Select(c => new TableColumnDefinition(c.Name, c.Type, "", c.Description, c.Priority)),
    ];

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(obj.TryGetProperty("metadata", out var m) && m.TryGetProperty("name", out var n) ? n.GetString() : "");
        var status = obj.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        writer.WriteStringValue(Condition(status, "Ready"));
        writer.WriteStringValue(Str(status, "version"));
        var apiserver = Str(status, "apiserver");
        if (apiserver.Length == 0 && obj.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object)
        {
            apiserver = Str(spec, "apiserver");
        }

        writer.WriteStringValue(apiserver);
        writer.WriteStringValue(Condition(status, "Validated"));
        writer.WriteStringValue(Condition(status, "SynchroRunning"));
        writer.WriteStringValue(Condition(status, "ClusterHealthy"));
    }

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static string Condition(JsonElement status, string type)
    {
        if (status.ValueKind != JsonValueKind.Object || !status.TryGetProperty("conditions", out var conditions) || conditions.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        foreach (var c in conditions.EnumerateArray())
        {
            if (Str(c, "type") == type)
            {
                return Str(c, "status");
            }
        }

        return "";
    }
}
