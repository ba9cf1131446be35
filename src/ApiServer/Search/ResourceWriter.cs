using System.Globalization;
using System.IO.Pipelines;
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

    /// <summary>Bytes written into the response between flushes of a streamed list.</summary>
    private const int _flushBytes = 64 * 1024;

    public void WriteList(Utf8JsonWriter json, IReadOnlyList<StoredResource> items, string resourceVersion, string? continueToken, long? remaining)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(items);
        WriteListStart(json, resourceVersion, continueToken, remaining);
        foreach (var item in items)
        {
            WriteListItem(json, item);
        }

        WriteListEnd(json);
    }

    /// <summary>
    /// Writes a list whose items are read as they are written (an unlimited list, without continue token or count),
    /// flushing the response every 64 KB: neither the items nor the body are ever held whole, so the memory of a list
    /// of 90,000 pods is that of a few rows.
    /// </summary>
    public async Task WriteListAsync(PipeWriter body, ResourceListReader items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(items);
        using var json = new Utf8JsonWriter(body);
        WriteListStart(json, items.Revision.ToString(CultureInfo.InvariantCulture), continueToken: null, remaining: null);
        var flushed = 0L;
        while (await items.ReadAsync(cancellationToken).ConfigureAwait(false) is { } item)
        {
            WriteListItem(json, item);
            if (json.BytesCommitted + json.BytesPending - flushed >= _flushBytes)
            {
                json.Flush();
                flushed = json.BytesCommitted;
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        WriteListEnd(json);
        json.Flush();
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private void WriteListStart(Utf8JsonWriter json, string resourceVersion, string? continueToken, long? remaining)
    {
        switch (format.Kind)
        {
            case ResponseKind.Table:
                TableJson.WriteStart(json, format.MetaVersion, resourceVersion, continueToken, remaining);
                WriteColumns(json);
                json.WriteStartArray("rows");
                return;
            case ResponseKind.PartialObjectMetadata:
                json.WriteStartObject();
                json.WriteString("kind", "PartialObjectMetadataList");
                json.WriteString("apiVersion", $"meta.k8s.io/{format.MetaVersion}");
                break;
            default:
                json.WriteStartObject();
                json.WriteString("kind", kind + "List");
                json.WriteString("apiVersion", resource.ApiVersion);
                break;
        }

        TableJson.WriteListMeta(json, resourceVersion, continueToken, remaining);
        json.WriteStartArray("items");
    }

    private void WriteListItem(Utf8JsonWriter json, StoredResource item)
    {
        switch (format.Kind)
        {
            case ResponseKind.Table:
                WriteRow(json, item);
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

    private void WriteListEnd(Utf8JsonWriter json)
    {
        if (format.Kind == ResponseKind.Table)
        {
            TableJson.WriteEnd(json);
            return;
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
