using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Http;

/// <summary>The watch of the REST registry: replay, live events filtered by the selectors, bookmarks, faults and 410 as an ERROR event.</summary>
internal sealed partial class ResourceHandler
{
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
}
