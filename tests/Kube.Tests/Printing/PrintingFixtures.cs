using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.Kube.Tests.Printing;

/// <summary>Loads the shared Kubernetes sample objects and renders printer cells back into JSON for assertions.</summary>
internal static class PrintingFixtures
{
    /// <summary>The fixed clock every printing test uses.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Keeps "<none>" readable in golden strings; the server's own writer decides the escaping on the wire.
    private static readonly JsonWriterOptions _relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonElement Object(string fileName)
    {
        var path = Path.Combine(SharedFixtures(), "kubernetes", "objects", fileName + ".json");
        File.Exists(path).ShouldBeTrue($"fixture {path} is missing: the shared/ folder must sit beside the repository");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The cells a printer writes, wrapped in an array so each can be inspected with its JSON type.</summary>
    public static JsonElement[] Cells(ITablePrinter printer, JsonElement obj, DateTimeOffset? now = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, _relaxed))
        {
            writer.WriteStartArray();
            printer.WriteCells(writer, obj, now ?? Now);
            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var cells = document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
        cells.Length.ShouldBe(printer.Columns.Count, "one cell per column");
        return cells;
    }

    /// <summary>The cells rendered as compact JSON text, e.g. <c>["web","1/3",2]</c>, for golden comparisons.</summary>
    public static string CellsJson(ITablePrinter printer, JsonElement obj, DateTimeOffset? now = null) =>
        "[" + string.Join(",", Cells(printer, obj, now).Select(c => c.GetRawText())) + "]";

    /// <summary>The row object's extra properties (conditions), as JSON text; <c>{}</c> when there are none.</summary>
    public static string RowConditionsJson(ITablePrinter printer, JsonElement obj)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, _relaxed))
        {
            writer.WriteStartObject();
            printer.WriteRowConditions(writer, obj);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string ColumnsText(ITablePrinter printer) =>
        string.Join("|", printer.Columns.Select(c => $"{c.Name}:{c.Type}:{c.Priority}"));

    public static ITablePrinter BuiltIn(string group, string resource) =>
        TablePrinters.ForBuiltIn(group, resource) ?? throw new InvalidOperationException($"no printer for {group}/{resource}");

    private static string SharedFixtures()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Clusterpedia.slnx")))
        {
            directory = directory.Parent;
        }

        directory.ShouldNotBeNull("could not find the repository root (Clusterpedia.slnx) above " + AppContext.BaseDirectory);
        return Path.Combine(directory.Parent!.FullName, "shared", "fixtures");
    }
}
