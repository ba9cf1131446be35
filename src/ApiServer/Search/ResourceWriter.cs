using System.Text.Json;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Printing;
using Clusterpedia.Kube.Server;
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

    /// <summary>Pods print their workload with <c>-o wide</c>.</summary>
    public static readonly TableColumnDefinition WorkloadColumn =
        new("Workload", "string", "", "The workload the pod belongs to, as Kind/name, resolved when it was synced (<none> for none).", 1);

    private readonly bool _withWorkload = resource.Group.Length == 0 && resource.Resource == "pods";

    /// <summary>A row's workload cell: <c>Kind/name</c>, or <c>&lt;none&gt;</c>.</summary>
    public static string WorkloadCell(StoredResource item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.WorkloadKind is { } kind && item.WorkloadName is { } name ? kind + "/" + name : "<none>";
    }

    public void WriteList(Utf8JsonWriter json, IReadOnlyList<StoredResource> items, string resourceVersion, string? continueToken, long? remaining)
    {
        if (format.Kind == ResponseKind.Table)
        {
            TableJson.WriteStart(json, format.MetaVersion, resourceVersion, continueToken, remaining);
            WriteColumns(json);
            json.WriteStartArray("rows");
            foreach (var item in items)
            {
                WriteRow(json, item);
            }

            TableJson.WriteEnd(json);
            return;
        }

        json.WriteStartObject();
        if (format.Kind == ResponseKind.PartialObjectMetadata)
        {
            json.WriteString("kind", "PartialObjectMetadataList");
            json.WriteString("apiVersion", $"meta.k8s.io/{format.MetaVersion}");
            TableJson.WriteListMeta(json, resourceVersion, continueToken, remaining);
            json.WriteStartArray("items");
            foreach (var item in items)
            {
                using var doc = JsonDocument.Parse(item.Object, ObjectJsonLimits.DocumentOptions);
                TableJson.WritePartialObjectMetadata(json, format.MetaVersion, doc.RootElement);
            }
        }
        else
        {
            json.WriteString("kind", kind + "List");
            json.WriteString("apiVersion", resource.ApiVersion);
            TableJson.WriteListMeta(json, resourceVersion, continueToken, remaining);
            json.WriteStartArray("items");
            foreach (var item in items)
            {
                json.WriteRawValue(item.Object.Span, skipInputValidation: true);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public void WriteObject(Utf8JsonWriter json, StoredResource item)
    {
        switch (format.Kind)
        {
            case ResponseKind.Table:
                WriteTableRow(json, item, includeColumns: true);
                break;
            case ResponseKind.PartialObjectMetadata:
                using (var doc = JsonDocument.Parse(item.Object, ObjectJsonLimits.DocumentOptions))
                {
                    TableJson.WritePartialObjectMetadata(json, format.MetaVersion, doc.RootElement);
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
        TableJson.WriteStart(json, format.MetaVersion, item.ResourceVersion);
        if (includeColumns)
        {
            WriteColumns(json);
        }

        json.WriteStartArray("rows");
        WriteRow(json, item);
        TableJson.WriteEnd(json);
    }

    private void WriteColumns(Utf8JsonWriter json) =>
        TableJson.WriteColumnDefinitions(json, _withWorkload ? [_clusterColumn, .. printer.Columns, WorkloadColumn] : [_clusterColumn, .. printer.Columns]);

    private void WriteRow(Utf8JsonWriter json, StoredResource item)
    {
        using var doc = JsonDocument.Parse(item.Object, ObjectJsonLimits.DocumentOptions);
        TableJson.WriteRow(json, printer, doc.RootElement, now, includeObject, format.MetaVersion, item.Cluster, item.Object, _withWorkload ? WorkloadCell(item) : null);
    }
}
