using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Crds;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Faults;
using Clusterpedia.KubeSim.Protobuf;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// The generic REST registry: get, list, watch, create, update, patch and delete for any resource in the catalog,
/// with kube-apiserver's list/watch semantics (resourceVersion, limit/continue, selectors, bookmarks, 410 Expired).
/// </summary>
internal sealed class ResourceHandler
{
    private const int _flushThreshold = 64 * 1024;
    // A timer cannot run longer (about 49 days); a client asking for more gets the longest there is.
    private static readonly TimeSpan _longestWatch = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly SimulatorStore _store;
    private readonly SimulatorOptions _options;
    private readonly ILogger _logger;
    private readonly FaultInjector _faults;

    public ResourceHandler(SimulatorStore store, SimulatorOptions options, FaultInjector faults, ILogger logger)
    {
        _faults = faults;
        _store = store;
        _options = options;
        _logger = logger;
    }

    public Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var method = context.Request.Method;
        var resource = request.Resource;
        if (request.Subresource == "scale" && request.Name is not null && resource.Subresources.Any(s => s.Name == "scale"))
        {
            return ScaleAsync(context, request);
        }

        if (request.Subresource is not null && request.Subresource != "status")
        {
            throw SimulatorApiException.ResourceNotFound();
        }

        if (request.Name is null)
        {
            if (HttpMethods.IsGet(method))
            {
                var query = ListQuery.Parse(context.Request.Query, resource);
                if (query.Watch)
                {
                    Require(resource, "watch");
                    return WatchAsync(context, request, query);
                }

                Require(resource, "list");
                return ListAsync(context, request, query);
            }

            if (HttpMethods.IsPost(method))
            {
                Require(resource, "create");
                return CreateAsync(context, request);
            }

            if (HttpMethods.IsDelete(method))
            {
                Require(resource, "deletecollection");
                return DeleteCollectionAsync(context, request);
            }
        }
        else
        {
            if (HttpMethods.IsGet(method))
            {
                Require(resource, "get");
                return GetAsync(context, request);
            }

            if (HttpMethods.IsPut(method))
            {
                Require(resource, "update");
                return UpdateAsync(context, request);
            }

            if (HttpMethods.IsPatch(method))
            {
                Require(resource, "patch");
                return PatchAsync(context, request);
            }

            if (HttpMethods.IsDelete(method) && request.Subresource is null)
            {
                Require(resource, "delete");
                return DeleteAsync(context, request);
            }
        }

        throw SimulatorApiException.MethodNotSupported(resource.Name, method.ToLowerInvariant());
    }

    private static void Require(ApiResource resource, string verb)
    {
        if (!resource.Supports(verb))
        {
            throw SimulatorApiException.MethodNotSupported(resource.Name, verb);
        }
    }

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

    private async Task WatchAsync(HttpContext context, ResourceRequest request, ListQuery query)
    {
        var resource = request.Resource;
        var rv = query.ParsedResourceVersion();
        var initialEvents = query.SendInitialEvents ?? rv is null or 0;
        var timeout = query.WatchParameters.Duration(_options.DefaultWatchTimeout, _longestWatch);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = Responses.JsonContentType;
        response.Headers.CacheControl = "no-cache, private";
        var body = response.BodyWriter;
        var typeMeta = TypeMetaPrefix(resource);
        Func<ObjectVersion, byte[]>? render = null;
        if (TableWriter.IsTableRequest(context.Request.Headers.Accept))
        {
            // kubectl get -w: every event's object is a one-row Table; only the first carries the column definitions.
            var columnsSent = false;
            var includeObject = context.Request.Query["includeObject"].ToString();
            render = item =>
            {
                var buffer = new ArrayBufferWriter<byte>(1024);
                using (var writer = new Utf8JsonWriter(buffer, JsonDefaults.Writer))
                {
                    TableWriter.Write(writer, resource, [item], item.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                        !columnsSent, includeObject, _options.TimeProvider.GetUtcNow());
                }

                columnsSent = true;
                return buffer.WrittenSpan.ToArray();
            };
        }

        WatchSubscription subscription;
        List<StoreEvent> replay;
        try
        {
            subscription = _store.Watch(resource, request.Namespace, initialEvents ? null : rv, out replay, out _);
        }
        catch (SimulatorApiException e) when (e.Code == 410)
        {
            // Like kube-apiserver: the HTTP answer is 200 and the stream carries one ERROR event.
            WriteErrorEvent(body, e);
            await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            return;
        }

        using var watch = subscription;
        using var timeoutSource = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, context.RequestAborted);
        var cancellationToken = linked.Token;
        var sent = 0;
        try
        {
            await response.StartAsync(cancellationToken).ConfigureAwait(false);
            foreach (var e in replay)
            {
                if (WriteEvent(body, typeMeta, e, query, render))
                {
                    sent++;
                }
            }

            if (initialEvents && query.SendInitialEvents == true && query.AllowWatchBookmarks)
            {
                WriteBookmark(body, typeMeta, _store.CurrentResourceVersion, initialEventsEnd: true);
            }

            var path = context.Request.Path.Value ?? "";
            foreach (var item in _faults.WatchItemsFor(path))
            {
                WatchEventFrame.Write(body, WatchEventFrame.Added, item.Render(_store.CurrentResourceVersion));
            }

            if (_faults.TruncatesWatch(path))
            {
                // Half an event, then the end of the stream.
                body.Write("{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"cut-"u8);
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                Log.WatchEnded(_logger, resource.GroupResource, sent);
                return;
            }

            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            var reader = subscription.Reader;
            Task<bool>? waitForEvent = null;
            Task? bookmarkDue = query.AllowWatchBookmarks
                ? Task.Delay(_options.BookmarkInterval, _options.TimeProvider, cancellationToken)
                : null;
            while (!cancellationToken.IsCancellationRequested)
            {
                // A hung apiserver sends nothing more, not even bookmarks, and keeps the connection open.
                await _faults.WaitWhileHungAsync(cancellationToken).ConfigureAwait(false);
                while (reader.TryRead(out var e))
                {
                    if (WriteEvent(body, typeMeta, e, query, render))
                    {
                        sent++;
                    }
                }

                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                waitForEvent ??= reader.WaitToReadAsync(cancellationToken).AsTask();
                if (bookmarkDue is not null)
                {
                    var finished = await Task.WhenAny(waitForEvent, bookmarkDue).ConfigureAwait(false);
                    if (finished == bookmarkDue)
                    {
                        if (cancellationToken.IsCancellationRequested)
                        {
                            break;
                        }

                        await _faults.WaitWhileHungAsync(cancellationToken).ConfigureAwait(false);
                        if (_store.BookmarkResourceVersion(subscription) is long bookmarkRv)
                        {
                            WriteBookmark(body, typeMeta, bookmarkRv, initialEventsEnd: false);
                        }

                        bookmarkDue = Task.Delay(_options.BookmarkInterval, _options.TimeProvider, cancellationToken);
                        continue;
                    }
                }

                var more = await waitForEvent.ConfigureAwait(false);
                waitForEvent = null;
                if (!more)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout or client gone: a watch ends by closing the stream.
        }

        if (_faults.IsDown)
        {
            // Cut by a cluster-down fault: the client must see a broken connection, not a clean end of stream.
            context.Abort();
        }

        Log.WatchEnded(_logger, resource.GroupResource, sent);
    }

    private static bool WriteEvent(PipeWriter body, byte[] typeMeta, StoreEvent e, ListQuery query, Func<ObjectVersion, byte[]>? render)
    {
        string type;
        switch (e.Type)
        {
            case WatchEventType.Added:
                if (!query.Matches(e.Object))
                {
                    return false;
                }

                type = WatchEventFrame.Added;
                break;
            case WatchEventType.Deleted:
                if (!query.Matches(e.Previous ?? e.Object))
                {
                    return false;
                }

                type = WatchEventFrame.Deleted;
                break;
            default:
                var now = query.Matches(e.Object);
                var before = e.Previous is not null && query.Matches(e.Previous);
                if (!now && !before)
                {
                    return false;
                }

                type = now && before ? WatchEventFrame.Modified : now ? WatchEventFrame.Added : WatchEventFrame.Deleted;
                break;
        }

        WatchEventFrame.WriteStart(body, type);
        if (render is null)
        {
            WriteObject(body, typeMeta, e.Object.Body);
        }
        else
        {
            body.Write(render(e.Object));
        }

        WatchEventFrame.WriteEnd(body);
        return true;
    }

    private static void WriteBookmark(PipeWriter body, byte[] typeMeta, long rv, bool initialEventsEnd)
    {
        var metadata = new JsonObject
        {
            ["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["creationTimestamp"] = null,
        };
        if (initialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        var bookmarkBody = ObjectJson.SerializeBody(new JsonObject { ["metadata"] = metadata });
        WatchEventFrame.WriteStart(body, WatchEventFrame.Bookmark);
        WriteObject(body, typeMeta, bookmarkBody);
        WatchEventFrame.WriteEnd(body);
    }

    private static void WriteErrorEvent(PipeWriter body, SimulatorApiException error) =>
        WatchEventFrame.WriteError(body, error.ToStatus(), JsonDefaults.Writer);

    private async Task CreateAsync(HttpContext context, ResourceRequest request)
    {
        if (request.Subresource is not null)
        {
            throw SimulatorApiException.MethodNotSupported(request.Resource.Name, "create");
        }

        var obj = await ReadBodyAsync(context).ConfigureAwait(false);
        CheckTypeMeta(request.Resource, obj);
        FieldValidation.Apply(context, request.Resource, obj);
        var metadata = ObjectJson.Metadata(obj);
        // Clients do not get to choose server-owned fields.
        metadata.Remove("uid");
        metadata.Remove("creationTimestamp");
        metadata.Remove("resourceVersion");
        metadata.Remove("generation");
        AddManagedFields(context, metadata, "Update");
        if (IsDryRun(context))
        {
            await WriteObjectAsync(context, 201, request.Resource, obj).ConfigureAwait(false);
            return;
        }

        var version = _store.Create(request.Resource, request.Namespace, obj, trusted: false);
        await WriteObjectAsync(context, 201, request.Resource, version).ConfigureAwait(false);
    }

    private async Task UpdateAsync(HttpContext context, ResourceRequest request)
    {
        var obj = await ReadBodyAsync(context).ConfigureAwait(false);
        CheckTypeMeta(request.Resource, obj);
        FieldValidation.Apply(context, request.Resource, obj);
        var target = request.Subresource == "status" ? UpdateTarget.Status : UpdateTarget.Main;
        var (version, _) = _store.Update(request.Resource, request.Namespace, request.Name!, _ => obj, target);
        await WriteObjectAsync(context, 200, request.Resource, version).ConfigureAwait(false);
    }

    private async Task PatchAsync(HttpContext context, ResourceRequest request)
    {
        var contentType = context.Request.ContentType ?? string.Empty;
        var mediaType = contentType.Split(';')[0].Trim();
        var patch = await ReadNodeAsync(context).ConfigureAwait(false);
        Func<JsonObject, JsonObject> apply = mediaType switch
        {
            "application/merge-patch+json" => current => Patching.MergePatch(current, patch),
            "application/strategic-merge-patch+json" => current => Patching.StrategicMergePatch(current, patch),
            "application/json-patch+json" => current => Patching.JsonPatch(current, patch),
            _ => throw new SimulatorApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"),
        };
        var target = request.Subresource == "status" ? UpdateTarget.Status : UpdateTarget.Main;
        var (version, _) = _store.Update(request.Resource, request.Namespace, request.Name!, current =>
        {
            var patched = apply(current);
            FieldValidation.Apply(context, request.Resource, patched);
            // A patch is applied to the latest state, so it never conflicts unless it names a resourceVersion itself.
            if (patch is JsonObject { } patchObject && (patchObject["metadata"] as JsonObject)?["resourceVersion"] is null)
            {
                ObjectJson.Metadata(patched).Remove("resourceVersion");
            }

            return patched;
        }, target);
        await WriteObjectAsync(context, 200, request.Resource, version).ConfigureAwait(false);
    }

    private async Task ScaleAsync(HttpContext context, ResourceRequest request)
    {
        var resource = request.Resource;
        var method = context.Request.Method;
        ObjectVersion version;
        if (HttpMethods.IsGet(method))
        {
            version = _store.Get(resource, request.Namespace, request.Name!)
                ?? throw SimulatorApiException.NotFound(resource.Group, resource.Name, request.Name!);
        }
        else if (HttpMethods.IsPut(method))
        {
            var scale = await ReadBodyAsync(context).ConfigureAwait(false);
            (version, _) = _store.Update(resource, request.Namespace, request.Name!, current => ScaleSubresource.Apply(current, scale), UpdateTarget.Main);
        }
        else if (HttpMethods.IsPatch(method))
        {
            var mediaType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
            var patch = await ReadNodeAsync(context).ConfigureAwait(false);
            (version, _) = _store.Update(resource, request.Namespace, request.Name!, current =>
            {
                var scale = ScaleSubresource.From(current);
                ObjectJson.Metadata(scale).Remove("resourceVersion");
                var patched = mediaType switch
                {
                    "application/json-patch+json" => Patching.JsonPatch(scale, patch),
                    "application/strategic-merge-patch+json" => Patching.StrategicMergePatch(scale, patch),
                    _ => Patching.MergePatch(scale, patch),
                };
                return ScaleSubresource.Apply(current, patched);
            }, UpdateTarget.Main);
        }
        else
        {
            throw SimulatorApiException.MethodNotSupported(resource.Name + "/scale", method.ToLowerInvariant());
        }

        var parent = SimulatorStore.Full(resource, version);
        await Responses.WriteBytesAsync(context, 200, System.Text.Encoding.UTF8.GetBytes(ScaleSubresource.From(parent).ToJsonString())).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext context, ResourceRequest request)
    {
        string? preconditionUid = null;
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var options = await ReadNodeAsync(context).ConfigureAwait(false);
            preconditionUid = ObjectJson.GetString(options?["preconditions"] as JsonObject, "uid");
        }

        var resource = request.Resource;
        if (IsDryRun(context))
        {
            var existing = _store.Get(resource, request.Namespace, request.Name!)
                ?? throw SimulatorApiException.NotFound(resource.Group, resource.Name, request.Name!);
            await WriteObjectAsync(context, 200, resource, existing).ConfigureAwait(false);
            return;
        }

        var deleted = _store.Delete(resource, request.Namespace, request.Name!, preconditionUid);
        if (resource.IsCustom || !deleted.Deleted)
        {
            await WriteObjectAsync(context, 200, resource, deleted).ConfigureAwait(false);
            return;
        }

        await Responses.WriteSuccessStatusAsync(context, deleted.Name, resource.Group.Length == 0 ? null : resource.Group, resource.Name, deleted.Uid)
            .ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourceRequest request)
    {
        var resource = request.Resource;
        var query = ListQuery.Parse(context.Request.Query, resource);
        var page = _store.List(resource, new ListRequest(request.Namespace, null, null, 0, query.Filter));
        var deleted = new List<ObjectVersion>();
        foreach (var item in page.Items)
        {
            try
            {
                deleted.Add(_store.Delete(resource, item.Namespace.Length == 0 ? null : item.Namespace, item.Name, null));
            }
            catch (SimulatorApiException e) when (e.Code == 404)
            {
                // Already gone (garbage collected with an owner deleted earlier in this loop).
            }
        }

        await WriteListAsync(context, resource, new ListPage(_store.CurrentResourceVersion, deleted, null, null), null, [], 0).ConfigureAwait(false);
    }

    private static Task WriteObjectAsync(HttpContext context, int statusCode, ApiResource resource, ObjectVersion version) =>
        Responses.WriteBytesAsync(context, statusCode, ObjectJson.WithTypeMeta(version.Body, resource.Kind, resource.ApiVersion));

    private static Task WriteObjectAsync(HttpContext context, int statusCode, ApiResource resource, JsonObject obj) =>
        Responses.WriteBytesAsync(context, statusCode, ObjectJson.WithTypeMeta(ObjectJson.SerializeBody(obj), resource.Kind, resource.ApiVersion));

    private static int WriteObject(PipeWriter body, byte[]? typeMeta, byte[] objectBody)
    {
        if (typeMeta is null)
        {
            body.Write(objectBody);
            return objectBody.Length;
        }

        body.Write(typeMeta);
        body.Write(objectBody.AsSpan(1));
        return typeMeta.Length + objectBody.Length - 1;
    }

    /// <summary><c>{"kind":"Pod","apiVersion":"v1",</c>: what goes before a stored body's first member.</summary>
    private static byte[] TypeMetaPrefix(ApiResource resource)
    {
        var full = ObjectJson.WithTypeMeta("{}"u8, resource.Kind, resource.ApiVersion);
        // WithTypeMeta("{}") ends with ",}" -> keep everything up to and including the comma.
        return full.AsSpan(0, full.Length - 1).ToArray();
    }

    private static void CheckTypeMeta(ApiResource resource, JsonObject obj)
    {
        var kind = ObjectJson.GetString(obj, "kind");
        var apiVersion = ObjectJson.GetString(obj, "apiVersion");
        if ((kind is not null && kind != resource.Kind) || (apiVersion is not null && apiVersion != resource.ApiVersion))
        {
            throw SimulatorApiException.BadRequest(
                $"the API version in the data ({apiVersion}) does not match the expected API version ({resource.ApiVersion})");
        }
    }

    private static void AddManagedFields(HttpContext context, JsonObject metadata, string operation)
    {
        if (metadata["managedFields"] is not null)
        {
            return;
        }

        var manager = context.Request.Query["fieldManager"].ToString();
        if (manager.Length == 0)
        {
            var agent = context.Request.Headers.UserAgent.ToString();
            manager = agent.Length == 0 ? "unknown" : agent.Split('/')[0];
        }

        metadata["managedFields"] = new JsonArray(new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = operation,
            ["apiVersion"] = "v1",
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = new JsonObject { ["f:metadata"] = new JsonObject() },
        });
    }

    private static bool IsDryRun(HttpContext context) => context.Request.Query["dryRun"].ToString() == "All";

    private static async Task<JsonObject> ReadBodyAsync(HttpContext context) =>
        await ReadNodeAsync(context).ConfigureAwait(false) as JsonObject
            ?? throw SimulatorApiException.BadRequest("the request body must be a JSON object");

    private static async Task<JsonNode?> ReadNodeAsync(HttpContext context)
    {
        if (KubernetesProtobuf.IsProtobuf(context.Request.ContentType))
        {
            // kubectl 1.33's typed clients (kubectl create deployment...) send protobuf.
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            return KubernetesProtobuf.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }

        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw SimulatorApiException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
    }

    private static SimulatorApiException ExpiredContinue(string start)
    {
        var fresh = ContinueToken.Encode(-1, start.TrimEnd('\0'));
        return new SimulatorApiException(410, "Expired",
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
        {
            ContinueToken = fresh,
        };
    }

    private static SimulatorApiException TooLarge(long given, long current) =>
        new(504, "Timeout", $"Too large resource version: {given}, current: {current}");
}
