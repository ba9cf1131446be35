using System.Text.Json;
using Clusterpedia.Kube.Printing;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Storage;
using Microsoft.Extensions.Primitives;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// Answers <c>Accept: application/json;as=Table;g=meta.k8s.io;v=v1</c> (what kubectl get asks for) with a
/// meta.k8s.io/v1 Table built by the shared printers, rows carrying PartialObjectMetadata unless includeObject says otherwise.
/// </summary>
internal static class TableWriter
{
    public static bool IsTableRequest(StringValues accept)
    {
        foreach (var range in accept.ToString().Split(','))
        {
            var parameters = range.Split(';').Select(p => p.Trim()).ToArray();
            if (parameters.Contains("as=Table") && parameters.Contains("g=meta.k8s.io")
                && (parameters.Contains("v=v1") || parameters.Contains("v=v1beta1")))
            {
                return true;
            }
        }

        return false;
    }

    public static ITablePrinter PrinterFor(ApiResource resource) => resource.IsCustom
        ? TablePrinters.ForCustomResource(resource.PrinterColumns)
        : TablePrinters.ForBuiltIn(resource.Group, resource.Name) ?? TablePrinters.Default;

    /// <summary>Writes a whole Table; <paramref name="includeObject"/> is None, Metadata (default) or Object.</summary>
    public static void Write(
        Utf8JsonWriter writer, ApiResource resource, IEnumerable<ObjectVersion> items, string resourceVersion, string? continueToken,
        bool includeColumns, string? includeObject, DateTimeOffset now)
    {
        var printer = PrinterFor(resource);
        WriteStart(writer, printer, resourceVersion, continueToken, includeColumns);
        foreach (var item in items)
        {
            WriteRow(writer, printer, resource, item, includeObject, now);
        }

        WriteEnd(writer);
    }

    /// <summary>Everything before the first row: metadata, column definitions and the opening of <c>rows</c>.</summary>
    public static void WriteStart(Utf8JsonWriter writer, ITablePrinter printer, string resourceVersion, string? continueToken, bool includeColumns)
    {
        TableJson.WriteStart(writer, "v1", resourceVersion, continueToken);
        if (includeColumns)
        {
            TableJson.WriteColumnDefinitions(writer, printer.Columns);
        }
        else
        {
            writer.WriteNull("columnDefinitions");
        }

        writer.WriteStartArray("rows");
    }

    public static void WriteRow(Utf8JsonWriter writer, ITablePrinter printer, ApiResource resource, ObjectVersion item, string? includeObject, DateTimeOffset now)
    {
        using var document = JsonDocument.Parse(ObjectJson.WithTypeMeta(item.Body, resource.Kind, resource.ApiVersion));
        var include = includeObject switch
        {
            "None" => IncludeObject.None,
            "Object" => IncludeObject.Object,
            _ => IncludeObject.Metadata,
        };
        TableJson.WriteRow(writer, printer, document.RootElement, now, include, "v1");
    }

    public static void WriteEnd(Utf8JsonWriter writer) => TableJson.WriteEnd(writer);
}
