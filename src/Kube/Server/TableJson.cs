using System.Text.Json;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.Kube.Server;

/// <summary>
/// Writes meta.k8s.io Tables (what <c>kubectl get</c> asks for) and PartialObjectMetadata: the envelope, the column
/// definitions and the rows, once for the API server and the simulator; the cells come from the shared printers.
/// </summary>
public static class TableJson
{
    /// <summary>Opens a Table: kind, apiVersion and its list metadata; column definitions and rows follow.</summary>
    public static void WriteStart(Utf8JsonWriter json, string metaVersion, string? resourceVersion, string? continueToken = null, long? remainingItemCount = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("kind", "Table");
        json.WriteString("apiVersion", "meta.k8s.io/" + metaVersion);
        WriteListMeta(json, resourceVersion, continueToken, remainingItemCount);
    }

    /// <summary>A list's <c>metadata</c>; what is null or empty is left out.</summary>
    public static void WriteListMeta(Utf8JsonWriter json, string? resourceVersion, string? continueToken, long? remainingItemCount)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject("metadata");
        if (resourceVersion is not null)
        {
            json.WriteString("resourceVersion", resourceVersion);
        }

        if (!string.IsNullOrEmpty(continueToken))
        {
            json.WriteString("continue", continueToken);
        }

        if (remainingItemCount is { } remaining)
        {
            json.WriteNumber("remainingItemCount", remaining);
        }

        json.WriteEndObject();
    }

    public static void WriteColumnDefinitions(Utf8JsonWriter json, IEnumerable<TableColumnDefinition> columns)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(columns);
        json.WriteStartArray("columnDefinitions");
        foreach (var column in columns)
        {
            json.WriteStartObject();
            json.WriteString("name", column.Name);
            json.WriteString("type", column.Type);
            json.WriteString("format", column.Format);
            json.WriteString("description", column.Description);
            json.WriteNumber("priority", column.Priority);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>
    /// One row: the cells (after <paramref name="firstCell"/> when given, e.g. the cluster, and before
    /// <paramref name="lastCell"/> when given, e.g. a pod's workload), the printer's conditions and the object as
    /// <paramref name="include"/> asks; <paramref name="raw"/>, when given, is copied for Object.
    /// </summary>
    public static void WriteRow(
        Utf8JsonWriter json, ITablePrinter printer, JsonElement obj, DateTimeOffset now, IncludeObject include, string metaVersion,
        string? firstCell = null, ReadOnlyMemory<byte> raw = default, string? lastCell = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(printer);
        json.WriteStartObject();
        json.WriteStartArray("cells");
        if (firstCell is not null)
        {
            json.WriteStringValue(firstCell);
        }

        printer.WriteCells(json, obj, now);
        if (lastCell is not null)
        {
            json.WriteStringValue(lastCell);
        }

        json.WriteEndArray();
        printer.WriteRowConditions(json, obj);
        switch (include)
        {
            case IncludeObject.Object:
                json.WritePropertyName("object");
                if (raw.IsEmpty)
                {
                    obj.WriteTo(json);
                }
                else
                {
                    json.WriteRawValue(raw.Span, skipInputValidation: true);
                }

                break;
            case IncludeObject.Metadata:
                json.WritePropertyName("object");
                WritePartialObjectMetadata(json, metaVersion, obj);
                break;
            default:
                break;
        }

        json.WriteEndObject();
    }

    /// <summary>Closes the rows and the Table.</summary>
    public static void WriteEnd(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>An object reduced to its metadata: <c>{"kind":"PartialObjectMetadata","apiVersion":..,"metadata":{..}}</c>.</summary>
    public static void WritePartialObjectMetadata(Utf8JsonWriter json, string metaVersion, JsonElement obj)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("kind", "PartialObjectMetadata");
        json.WriteString("apiVersion", "meta.k8s.io/" + metaVersion);
        if (obj.TryGetProperty("metadata", out var metadata))
        {
            json.WritePropertyName("metadata");
            metadata.WriteTo(json);
        }

        json.WriteEndObject();
    }
}
