using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>networking.k8s.io/v1 ingressclasses.</summary>
internal sealed class IngressClassPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Controller", "Controller that is responsible for handling this class"),
        CommonColumns.String("Parameters", "A reference to a resource with additional parameters"),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        var parameters = spec.Prop("parameters");
        var parametersText = Cells.None;
        if (parameters.IsSet())
        {
            var apiGroup = parameters.Prop("apiGroup");
            parametersText = parameters.Prop("kind").Str()
                + (apiGroup.ValueKind == JsonValueKind.String ? "." + apiGroup.Str() : string.Empty)
                + "/" + parameters.Prop("name").Str();
        }

        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(spec.Prop("controller").Str());
        writer.WriteStringValue(parametersText);
        writer.WriteStringValue(Cells.Age(obj, now));
    }
}
