using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Watch;
using Clusterpedia.Kube.Server;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>The watch of our own objects.</summary>
internal sealed partial class OwnApiHandler
{
    private static readonly TimeSpan _watchPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _watchBookmarkInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Watch from the store's change feed, as searches are watched: with no resourceVersion (or 0) ADDED for the
    /// current objects, then every change after the list's revision in revision order: ADDED for objects created
    /// since, MODIFIED, and DELETED from tombstones, so a delete between a client's list and its watch is replayed.
    /// The store keeps each object's latest state, so changes to one object between two reads of the feed arrive as
    /// one event with its latest state, as an informer's relist would see them.
    /// A resourceVersion older than the kept tombstones ends the stream with a 410 Expired Status: relist. Woken by
    /// this process's writes and, on PostgreSQL, other replicas' commits (NOTIFY); polled as the fallback.
    /// </summary>
    private async Task WatchAsync(HttpContext context, OwnResource resource)
    {
        var credentials = await MaySeeCredentialsAsync(context, resource).ConfigureAwait(false);
        if (StoreOf(resource) is not IApiObjectChangeFeed feed)
        {
            await WatchBySnapshotsAsync(context, resource, credentials).ConfigureAwait(false);
            return;
        }

        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var watch = WatchQuery.Parse(query, limits.Value, TimeSpan.FromMinutes(30));
        var timeout = watch.Timeout;
        var bookmarks = watch.Bookmarks;
        var initialEvents = watch.FromRevision is null;
        var revision = watch.FromRevision ?? 0;

        var labelSelector = ParseLabels(query["labelSelector"].ToString());
        var nameFilter = ParseNameField(query["fieldSelector"].ToString());
        bool Matches(ApiObject o) => (nameFilter is null || nameFilter == o.Name) && (labelSelector.IsEmpty || labelSelector.Matches(Labels(o)));

        // With a selector, an object that stops matching is DELETED for the client and one that starts matching is
        // ADDED, as kube-apiserver's watch filters: the stream tracks which names it has shown matching (held), and
        // which it has seen at all (before its first event here, an object older than the start may be held from
        // the client's list).
        var selective = nameFilter is not null || !labelSelector.IsEmpty;
        var held = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        using var changed = new StoreChangeSignal(StoreOf(resource), resource.StorageKey);
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        var token = timeoutCts.Token;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(ct).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
        try
        {
            if (initialEvents)
            {
                var list = await feed.ListWithRevisionAsync(resource.StorageKey, token).ConfigureAwait(false);
                foreach (var o in list.Items)
                {
                    seen.Add(o.Name);
                    if (Matches(o))
                    {
                        held.Add(o.Name);
                        WriteEvent(context, WatchEventFrame.Added, ToResponse(resource, o, credentials));
                    }
                }

                revision = list.Revision;
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            }

            var lastBookmark = time.GetUtcNow();
            while (!token.IsCancellationRequested)
            {
                // Taken before the read: a commit of another process during the read wakes the wait below.
                var wake = storeChanges.NextChange;
                var changes = await feed.GetChangesAsync(resource.StorageKey, revision, token).ConfigureAwait(false);
                if (changes.Expired)
                {
                    await WriteExpiredAsync(context, revision, changes.Revision).ConfigureAwait(false);
                    return;
                }

                foreach (var change in changes.Changes)
                {
                    revision = change.Object.Revision;
                    if (EventType(change, Matches(change.Object), selective, held, seen) is { } type)
                    {
                        WriteEvent(context, type, ToResponse(resource, change.Object, credentials));
                    }
                }

                // Nothing else changed up to the store's revision: the stream is current up to there.
                revision = Math.Max(revision, changes.Revision);
                if (bookmarks && time.GetUtcNow() - lastBookmark >= _watchBookmarkInterval)
                {
                    WriteBookmark(context, resource, revision);
                    lastBookmark = time.GetUtcNow();
                }

                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                using var poll = new CancellationTokenSource(storeChanges.Listening ? storeChanges.PollInterval : _watchPollInterval, time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(token, poll.Token);

                // Woken by this process's write of the resource, by any commit NOTIFYed through PostgreSQL, or the poll
                // interval (other replicas' writes when nothing notifies).
                await Task.WhenAny(changed.Reader.WaitToReadAsync(wait.Token).AsTask(), wake.WaitAsync(wait.Token)).ConfigureAwait(false);
                changed.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // timeoutSeconds elapsed: end the stream cleanly, as kube-apiserver does.
        }
    }

    /// <summary>
    /// The event a change is for the client, or null when it does not concern the client's selection. The first change
    /// of a name in the stream is new (IsNew) exactly when the object was created after the watch's start, since an
    /// older write would have come first.
    /// </summary>
    private static string? EventType(ApiObjectChange change, bool matches, bool selective, HashSet<string> held, HashSet<string> seen)
    {
        var name = change.Object.Name;
        var first = seen.Add(name);
        if (!selective)
        {
            return change.Type == ResourceChangeType.Deleted ? WatchEventFrame.Deleted : change.IsNew ? WatchEventFrame.Added : WatchEventFrame.Modified;
        }

        // An object older than the start, first met here, may be held from the client's list whatever it was then:
        // a DELETED for an object a client does not hold is ignored, a missed one is not.
        var mayBeHeld = first && !change.IsNew;
        if (change.Type == ResourceChangeType.Deleted || !matches)
        {
            return held.Remove(name) || mayBeHeld ? WatchEventFrame.Deleted : null;
        }

        var known = held.Contains(name);
        held.Add(name);
        return change.IsNew || (!known && !mayBeHeld) ? WatchEventFrame.Added : WatchEventFrame.Modified;
    }

    private static void WriteBookmark(HttpContext context, OwnResource resource, long revision) =>
        WatchEventFrame.WriteBookmark(context.Response.BodyWriter, resource.Kind, resource.ApiVersion, revision);

    private static async Task WriteExpiredAsync(HttpContext context, long requested, long current)
    {
        WatchEventFrame.WriteError(context.Response.BodyWriter, WatchEventFrame.Expired(requested, current));
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Watch by diffing snapshots, for a store without a change feed (the host cluster's cache in hosted mode): the
    /// store signals every write, and each signal turns into ADDED, MODIFIED and DELETED events for what changed.
    /// A delete before the first snapshot is not seen.
    /// </summary>
    private async Task WatchBySnapshotsAsync(HttpContext context, OwnResource resource, bool credentials)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var watch = WatchQuery.Parse(query, limits.Value, TimeSpan.FromMinutes(30));
        var timeout = watch.Timeout;
        var fromRevision = watch.FromRevision ?? 0;

        using var changed = new StoreChangeSignal(StoreOf(resource), resource.StorageKey);
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var known = new Dictionary<string, ApiObject>(StringComparer.Ordinal);
        var (initial, _) = await ListMatchingAsync(context, resource).ConfigureAwait(false);
        foreach (var o in initial)
        {
            known[o.Name] = o;
            if (o.Revision > fromRevision)
            {
                WriteEvent(context, WatchEventFrame.Added, ToResponse(resource, o, credentials));
            }
        }

        await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
        while (!timeoutCts.IsCancellationRequested)
        {
            try
            {
                await changed.Reader.ReadAsync(timeoutCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                break;
            }

            var (current, _) = await ListMatchingAsync(context, resource).ConfigureAwait(false);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var o in current)
            {
                seen.Add(o.Name);
                if (!known.TryGetValue(o.Name, out var before))
                {
                    WriteEvent(context, WatchEventFrame.Added, ToResponse(resource, o, credentials));
                }
                else if (before.Revision != o.Revision)
                {
                    WriteEvent(context, WatchEventFrame.Modified, ToResponse(resource, o, credentials));
                }

                known[o.Name] = o;
            }

            foreach (var gone in known.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                WriteEvent(context, WatchEventFrame.Deleted, ToResponse(resource, known[gone], credentials));
                known.Remove(gone);
            }

            await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    private static void WriteEvent(HttpContext context, string type, JsonObject obj) =>
        WatchEventFrame.Write(context.Response.BodyWriter, type, Serialize(obj));
}
