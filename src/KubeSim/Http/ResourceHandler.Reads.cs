using System.Buffers;
using System.Text.Json;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Faults;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Http;

/// <summary>Reads of the REST registry: get and list, as a plain list or a Table, flushed as they go.</summary>
internal sealed partial class ResourceHandler
{
    private Task GetAsync(HttpContext context, ResourceRequest request)
    {
        var version = _store.Get(request.Resource, request.Namespace, request.Name!)
            ?? throw SimulatorApiException.NotFound(request.Resource.Group, request.Resource.Name, request.Name!);
        if (TableWriter.IsTableRequest(context.Request.Headers.Accept))
        {
            return Responses.WriteJsonAsync(context, 200, writer => TableWriter.Write(
                writer, request.Resource, [version], version.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                includeColumns: true, context.Request.Query["includeObject"], _options.TimeProvider.GetUtcNow()));
        }

        return WriteObjectAsync(context, 200, request.Resource, version);
    }

    private async Task ListAsync(HttpContext context, ResourceRequest request, ListQuery query)
    {
        var resource = request.Resource;
        var rv = query.ParsedResourceVersion();
        long? at = null;
        string? start = null;
        var limit = query.Limit;
        var path = context.Request.Path.Value ?? "";
        var endless = _faults.EndlessContinueFor(path, out var endlessToken);
        var continueToken = query.Continue;
        if (endless && continueToken?.StartsWith(FaultInjector.EndlessTokenPrefix, StringComparison.Ordinal) == true)
        {
            // Our own never-ending token: the first page again.
            continueToken = null;
        }

        var corrupt = _faults.ListItemsFor(path, firstPage: continueToken is null);
        if (continueToken is not null)
        {
            (var continueRv, start) = ContinueToken.Decode(continueToken);
            if (continueRv > 0)
            {
                if (continueRv < _store.CompactedResourceVersion)
                {
                    throw ExpiredContinue(start);
                }

                at = continueRv;
            }
        }
        else if (rv == 0 && query.ResourceVersionMatch != "Exact")
        {
            // "Any" semantics: served from the watch cache, which ignores limit (a full list, no continue).
            limit = 0;
        }
        else if (rv is long given)
        {
            var current = _store.CurrentResourceVersion;
            if (query.ResourceVersionMatch == "Exact" || (query.ResourceVersionMatch is null && limit > 0))
            {
                if (given > current)
                {
                    throw TooLarge(given, current);
                }

                at = given;
            }
            else if (given > current)
            {
                throw TooLarge(given, current);
            }
        }

        ListPage page;
        try
        {
            page = _store.List(resource, new ListRequest(request.Namespace, at, start, limit, query.Filter));
        }
        catch (SimulatorApiException e) when (e.Code == 410 && continueToken is not null)
        {
            throw ExpiredContinue(start!);
        }

        if (TableWriter.IsTableRequest(context.Request.Headers.Accept))
        {
            await WriteTableAsync(context, resource, page).ConfigureAwait(false);
            return;
        }

        await WriteListAsync(context, resource, page, endless ? endlessToken : null, corrupt, _store.CurrentResourceVersion, _faults).ConfigureAwait(false);
    }

    /// <summary>A Table list, flushed as it goes like the plain list, so a big one is never whole in memory.</summary>
    private async Task WriteTableAsync(HttpContext context, ApiResource resource, ListPage page)
    {
        var token = page.LastKey is null ? null : ContinueToken.Encode(page.ResourceVersion, page.LastKey);
        var includeObject = context.Request.Query["includeObject"].ToString();
        var now = _options.TimeProvider.GetUtcNow();
        var printer = TableWriter.PrinterFor(resource);
        context.Response.StatusCode = 200;
        context.Response.ContentType = Responses.JsonContentType;
        var body = context.Response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body, JsonDefaults.Writer);
        TableWriter.WriteStart(writer, printer, page.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), token, includeColumns: true);
        long flushed = 0;
        foreach (var item in page.Items)
        {
            TableWriter.WriteRow(writer, printer, resource, item, includeObject, now);
            writer.Flush();
            if (writer.BytesCommitted - flushed > _flushThreshold)
            {
                await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                flushed = writer.BytesCommitted;
            }
        }

        TableWriter.WriteEnd(writer);
        writer.Flush();
        await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteListAsync(
        HttpContext context, ApiResource resource, ListPage page, string? forcedContinue, IReadOnlyList<CorruptItem> corrupt, long corruptRv,
        FaultInjector? faults = null)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = Responses.JsonContentType;
        var body = response.BodyWriter;
        var header = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(header, JsonDefaults.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", resource.Kind + "List");
            writer.WriteString("apiVersion", resource.ApiVersion);
            writer.WriteStartObject("metadata");
            writer.WriteString("resourceVersion", page.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (forcedContinue is not null)
            {
                writer.WriteString("continue", forcedContinue);
            }
            else if (page.LastKey is not null)
            {
                writer.WriteString("continue", ContinueToken.Encode(page.ResourceVersion, page.LastKey));
                if (page.RemainingItemCount is long remaining)
                {
                    writer.WriteNumber("remainingItemCount", remaining);
                }
            }

            writer.WriteEndObject();
            writer.WritePropertyName("items");
            writer.WriteStartArray();
            writer.Flush();
        }

        body.Write(header.WrittenSpan);
        if (faults?.StallListBodyAsync(context.Request.Path.Value ?? "", context.RequestAborted) is { IsCompleted: false } stall)
        {
            // A member hanging mid-answer: headers and the start of the body are out, the rest does not come.
            await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            await stall.ConfigureAwait(false);
        }

        var typeMeta = resource.IsCustom ? TypeMetaPrefix(resource) : null;
        var pending = header.WrittenCount;
        for (var i = 0; i < corrupt.Count; i++)
        {
            // Written as the member would send them, broken bytes included.
            if (i > 0)
            {
                body.Write(","u8);
            }

            body.Write(corrupt[i].Render(corruptRv));
        }

        for (var i = 0; i < page.Items.Count; i++)
        {
            if (i > 0 || corrupt.Count > 0)
            {
                body.Write(","u8);
            }

            // Items of built-in lists carry no kind/apiVersion on a real apiserver; custom resources' items do.
            pending += WriteObject(body, typeMeta, page.Items[i].Body);
            if (pending > _flushThreshold)
            {
                await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                pending = 0;
            }
        }

        body.Write("]}"u8);
        await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
