using System.Text.Json;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Printing;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Search;

/// <summary>
/// Writes stored objects in the form the client negotiated: a native List (objects copied byte for byte),
/// a meta.k8s.io Table with a Cluster column first, or PartialObjectMetadata(List).
/// </summary>
public sealed class ResourceWriter(ResponseFormat format, GroupVersionResource resource, string kind, ITablePrinter printer, IncludeObject includeObject, DateTimeOffset now)
{
    public const string ClusterAnnotation = "shadow.clusterpedia.io/cluster-name";

    private static readonly TableColumnDefinition _clusterColumn =
        new("Cluster", "string", "", "The cluster the object was synced from.", 0);

    public void WriteList(Utf8JsonWriter json, IReadOnlyList<StoredResource> items, string resourceVersion, string? continueToken, long? remaining)
    {
        json.WriteStartObject();
        switch (format.Kind)
        {
            case ResponseKind.Table:
                json.WriteString("kind", "Table");
                json.WriteString("apiVersion", $"meta.k8s.io/{format.MetaVersion}");
                WriteListMeta(json, resourceVersion, continueToken, remaining);
                WriteColumns(json);
                json.WriteStartArray("rows");
                foreach (var item in items)
                {
                    WriteRow(json, item);
                }

                json.WriteEndArray();
                break;
            case ResponseKind.PartialObjectMetadata:
                json.WriteString("kind", "PartialObjectMetadataList");
                json.WriteString("apiVersion", $"meta.k8s.io/{format.MetaVersion}");
                WriteListMeta(json, resourceVersion, continueToken, remaining);
                json.WriteStartArray("items");
                foreach (var item in items)
                {
                    using var doc = JsonDocument.Parse(item.Object, ObjectJsonLimits.DocumentOptions);
                    WritePartial(json, doc.RootElement);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteString("kind", kind + "List");
                json.WriteString("apiVersion", resource.ApiVersion);
                WriteListMeta(json, resourceVersion, continueToken, remaining);
                json.WriteStartArray("items");
                foreach (var item in items)
                {
                    json.WriteRawValue(item.Object.Span, skipInputValidation: true);
                }

                json.WriteEndArray();
                break;
        }

        json.WriteEndObject();
    }

    public void WriteObject(Utf8JsonWriter json, StoredResource item)
    {
        switch (format.Kind)
        {
            case ResponseKind.Table:
                json.WriteStartObject();
                json.WriteString("kind", "Table");
                json.WriteString("apiVersion", $"meta.k8s.io/{format.MetaVersion}");
                json.WriteStartObject("metadata");
                json.WriteString("resourceVersion", item.ResourceVersion);
                json.WriteEndObject();
                WriteColumns(json);
                json.WriteStartArray("rows");
                WriteRow(json, item);
                json.WriteEndArray();
                json.WriteEndObject();
                break;
            case ResponseKind.PartialObjectMetadata:
                using (var doc = JsonDocument.Parse(item.Object, ObjectJsonLimits.DocumentOptions))
                {
                    WritePartial(json, doc.RootElement);
                }

                break;
            default:
                json.WriteRawValue(item.Object.Span, skipInputValidation: true);
                break;
        }
    }

    /// <summary>A Table holding one row: the object of a watch event when the client watches with as=Table.</summary>
    public void WriteTableRow(Utf8JsonWriter json, StoredResource item, bool includeColumns)
    {
        json.WriteStartObject();
        json.WriteString("kind", "Table");
        json.WriteString("apiVersion", $"meta.k8s.io/{format.MetaVersion}");
        json.WriteStartObject("metadata");
        json.WriteString("resourceVersion", item.ResourceVersion);
        json.WriteEndObject();
        if (includeColumns)
        {
            WriteColumns(json);
        }

        json.WriteStartArray("rows");
        WriteRow(json, item);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteListMeta(Utf8JsonWriter json, string resourceVersion, string? continueToken, long? remaining)
    {
        json.WriteStartObject("metadata");
        json.WriteString("resourceVersion", resourceVersion);
        if (!string.IsNullOrEmpty(continueToken))
        {
            json.WriteString("continue", continueToken);
        }

        if (remaining is { } r)
        {
            json.WriteNumber("remainingItemCount", r);
        }

        json.WriteEndObject();
    }

    private void WriteColumns(Utf8JsonWriter json)
    {
        json.WriteStartArray("columnDefinitions");
        WriteColumn(json, _clusterColumn);
        foreach (var c in printer.Columns)
        {
            WriteColumn(json, c);
        }

        json.WriteEndArray();
    }

    private static void WriteColumn(Utf8JsonWriter json, TableColumnDefinition c)
    {
        json.WriteStartObject();
        json.WriteString("name", c.Name);
        json.WriteString("type", c.Type);
        json.WriteString("format", c.Format);
        json.WriteString("description", c.Description);
        json.WriteNumber("priority", c.Priority);
        json.WriteEndObject();
    }

    private void WriteRow(Utf8JsonWriter json, StoredResource item)
    {
        using var doc = JsonDocument.Parse(item.Object, ObjectJsonLimits.DocumentOptions);
        var root = doc.RootElement;
        json.WriteStartObject();
        json.WriteStartArray("cells");
        json.WriteStringValue(item.Cluster);
        printer.WriteCells(json, root, now);
        json.WriteEndArray();
        printer.WriteRowConditions(json, root);
        switch (includeObject)
        {
            case IncludeObject.Object:
                json.WritePropertyName("object");
                json.WriteRawValue(item.Object.Span, skipInputValidation: true);
                break;
            case IncludeObject.Metadata:
                json.WritePropertyName("object");
                WritePartial(json, root);
                break;
            default:
                break;
        }

        json.WriteEndObject();
    }

    private void WritePartial(Utf8JsonWriter json, JsonElement root)
    {
        json.WriteStartObject();
        json.WriteString("kind", "PartialObjectMetadata");
        json.WriteString("apiVersion", $"meta.k8s.io/{format.MetaVersion}");
        if (root.TryGetProperty("metadata", out var metadata))
        {
            json.WritePropertyName("metadata");
            metadata.WriteTo(json);
        }

        json.WriteEndObject();
    }
}
