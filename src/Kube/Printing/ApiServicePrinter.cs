using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>apiregistration.k8s.io/v1 apiservices: the service (or Local) and the Available condition with its reason.</summary>
internal sealed class ApiServicePrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Service", "The reference to the service that hosts this API endpoint."),
        CommonColumns.String("Available", "Whether this service is available."),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));
        var service = obj.Prop("spec", "service");
        writer.WriteStringValue(service.ValueKind == JsonValueKind.Object ? $"{service.Prop("namespace").Str()}/{service.Prop("name").Str()}" : "Local");
        var available = "Unknown";
        foreach (var condition in obj.Prop("status", "conditions").Items())
        {
            if (condition.Prop("type").Str() == "Available")
            {
                var status = condition.Prop("status").Str();
                var reason = condition.Prop("reason").Str();
                available = status == "True" || reason.Length == 0 ? status : $"{status} ({reason})";
                break;
            }
        }

        writer.WriteStringValue(available);
        writer.WriteStringValue(Cells.Age(obj, now));
    }
}
