using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.Kube.Selectors;
using Clusterpedia.Kube.Server;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>Reads of our own objects: list (plain or Table) with label and name selectors.</summary>
internal sealed partial class OwnApiHandler
{
    private void WriteTable(Utf8JsonWriter json, OwnResource resource, ResponseFormat format, IReadOnlyList<JsonObject> items, string? listResourceVersion)
    {
        var now = time.GetUtcNow();
        TableJson.WriteStart(json, format.MetaVersion, listResourceVersion);
        TableJson.WriteColumnDefinitions(json, resource.Printer.Columns);
        json.WriteStartArray("rows");
        foreach (var item in items)
        {
            using var doc = JsonDocument.Parse(item.ToJsonString(_writeOptions));
            TableJson.WriteRow(json, resource.Printer, doc.RootElement, now, IncludeObject.Metadata, format.MetaVersion);
        }

        TableJson.WriteEnd(json);
    }

    private async Task ListAsync(HttpContext context, OwnResource resource)
    {
        var format = ResponseFormat.Negotiate(context.Request.Headers.Accept.ToString());
        var (items, revision) = await ListMatchingAsync(context, resource).ConfigureAwait(false);
        var rv = revision.ToString(CultureInfo.InvariantCulture);
        var credentials = await MaySeeCredentialsAsync(context, resource).ConfigureAwait(false);
        var objects = items.Select(o => ToResponse(resource, o, credentials)).ToList();
        await JsonResponse.WriteAsync(context, 200, json =>
        {
            if (format.Kind == ResponseKind.Table)
            {
                WriteTable(json, resource, format, objects, rv);
                return;
            }

            json.WriteStartObject();
            json.WriteString("kind", resource.Kind + "List");
            json.WriteString("apiVersion", resource.ApiVersion);
            json.WriteStartObject("metadata");
            json.WriteString("resourceVersion", rv);
            json.WriteEndObject();
            json.WriteStartArray("items");
            foreach (var o in objects)
            {
                o.WriteTo(json);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private LabelSelector ParseLabels(string text)
    {
        try
        {
            var selector = LabelSelector.Parse(text);
            if (selector.Requirements.Count > limits.Value.MaxSelectorRequirements)
            {
                throw ApiException.BadRequest(
                    $"labelSelector: Too many: {selector.Requirements.Count}: at most {limits.Value.MaxSelectorRequirements} requirements are allowed (Limits:Query:MaxSelectorRequirements)");
            }

            return selector;
        }
        catch (SelectorParseException e)
        {
            throw ApiException.BadRequest($"labelSelector: {e.Message}");
        }
    }

    private static string? ParseNameField(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        foreach (var part in text.Split(','))
        {
            var p = part.Trim();
            foreach (var prefix in new[] { "metadata.name==", "metadata.name=" })
            {
                if (p.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return p[prefix.Length..];
                }
            }

            throw ApiException.BadRequest($"fieldSelector: \"{p}\" is not a supported field selector: this resource supports metadata.name=<name>");
        }

        return null;
    }

    private static Dictionary<string, string> Labels(ApiObject o)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(o.Object);
        if (doc.RootElement.TryGetProperty("metadata", out var m) && m.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in labels.EnumerateObject())
            {
                result[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        return result;
    }
}
