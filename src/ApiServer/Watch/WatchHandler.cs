using System.Globalization;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.Kube.Server;
using Clusterpedia.Storage;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Watch;

/// <summary>
/// Serves <c>?watch=true</c> on search paths from the store's revision log: ADDED for the current objects when no
/// resourceVersion is given, then ADDED (objects created since), MODIFIED and DELETED as the synchros write, BOOKMARKs while idle, and an ERROR
/// event with a 410 Status when the requested revision is older than the kept history. Every replica reading the
/// same store serves the same stream, because it is read from the store and not from process memory; the
/// <see cref="StoreChangeNotifier"/> only says when to read again.
/// </summary>
internal sealed class WatchHandler(IResourceStorage storage, IResourceChangeFeed feed, IOptions<QueryLimits> limits, StoreChangeNotifier changed, TimeProvider time)
{
    private const int _pageSize = 500;
    private static readonly TimeSpan _bookmarkInterval = TimeSpan.FromSeconds(15);

    public async Task WatchAsync(HttpContext context, SyncedResource synced, ResourceQuery query, ResponseFormat format, ResourceWriter writer)
    {
        var request = context.Request.Query;
        var ct = context.RequestAborted;
        var watch = WatchQuery.Parse(request, limits.Value, TimeSpan.FromMinutes(30 + Random.Shared.Next(0, 30)));
        var timeout = watch.Timeout;
        var bookmarks = watch.Bookmarks;
        var initialEvents = watch.FromRevision is null;
        var revision = watch.FromRevision ?? 0;
        if (request["resourceVersionMatch"].ToString() is { Length: > 0 } match)
        {
            throw ApiException.BadRequest($"resourceVersionMatch: Forbidden: \"{match}\" is not allowed for watch");
        }

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        var token = timeoutCts.Token;

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        await response.StartAsync(ct).ConfigureAwait(false);

        // Send the headers now: a client waiting for them must not hang until the first event of a quiet resource.
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
        var stream = new EventWriter(response, synced, format, writer);

        try
        {
            if (initialEvents)
            {
                revision = await SendCurrentObjectsAsync(stream, query, token).ConfigureAwait(false);
            }

            var lastBookmark = time.GetUtcNow();
            while (!token.IsCancellationRequested)
            {
                // Taken before the read: a commit during the read wakes the wait below instead of being missed.
                var wake = changed.NextChange;
                var changes = await feed.GetChangesAsync(query, revision, _pageSize, token).ConfigureAwait(false);
                if (changes.Expired)
                {
                    await stream.WriteExpiredAsync(revision, changes.Revision, token).ConfigureAwait(false);
                    return;
                }

                foreach (var change in changes.Changes)
                {
                    revision = change.Resource.Revision;
                    var type = change.Type == ResourceChangeType.Deleted ? WatchEventFrame.Deleted : change.IsNew ? WatchEventFrame.Added : WatchEventFrame.Modified;
                    await stream.WriteAsync(type, change.Resource, token).ConfigureAwait(false);
                }

                if (changes.Changes.Count > 0)
                {
                    await stream.FlushAsync(token).ConfigureAwait(false);
                }

                if (changes.Changes.Count >= _pageSize)
                {
                    continue;
                }

                // Nothing else matched up to the store's revision: the stream is current up to there.
                revision = Math.Max(revision, changes.Revision);
                if (bookmarks && time.GetUtcNow() - lastBookmark >= _bookmarkInterval)
                {
                    await stream.WriteBookmarkAsync(revision, token).ConfigureAwait(false);
                    lastBookmark = time.GetUtcNow();
                }

                // Woken by a commit (this process's, or any process's through PostgreSQL NOTIFY), else the fallback poll.
                await changed.WaitAsync(wake, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // timeoutSeconds elapsed: end the stream cleanly, as kube-apiserver does.
        }
    }

    /// <summary>Sends ADDED for every matching object, page by page; returns the revision to follow from.</summary>
    private async Task<long> SendCurrentObjectsAsync(EventWriter stream, ResourceQuery query, CancellationToken ct)
    {
        long? start = null;
        string? next = null;
        do
        {
            var page = await storage.ListAsync(CopyWithPage(query, next), ct).ConfigureAwait(false);
            start ??= page.Revision;
            foreach (var item in page.Items)
            {
                await stream.WriteAsync(WatchEventFrame.Added, item, ct).ConfigureAwait(false);
            }

            await stream.FlushAsync(ct).ConfigureAwait(false);
            next = page.Continue;
        }
        while (!string.IsNullOrEmpty(next));

        return start ?? 0;
    }

    private static ResourceQuery CopyWithPage(ResourceQuery q, string? continueToken) => new()
    {
        Group = q.Group,
        Version = q.Version,
        Resource = q.Resource,
        Clusters = q.Clusters,
        ClustersNotIn = q.ClustersNotIn,
        Namespaces = q.Namespaces,
        NamespacesNotIn = q.NamespacesNotIn,
        Names = q.Names,
        NamesNotIn = q.NamesNotIn,
        WorkloadKinds = q.WorkloadKinds,
        WorkloadKindsNotIn = q.WorkloadKindsNotIn,
        WorkloadNames = q.WorkloadNames,
        WorkloadNamesNotIn = q.WorkloadNamesNotIn,
        Access = q.Access,
        LabelSelector = q.LabelSelector,
        FieldSelector = q.FieldSelector,
        Since = q.Since,
        Before = q.Before,
        OwnerUid = q.OwnerUid,
        OwnerName = q.OwnerName,
        OwnerGroupResource = q.OwnerGroupResource,
        OwnerSeniority = q.OwnerSeniority,
        FuzzyName = q.FuzzyName,
        OnlyMetadata = q.OnlyMetadata,
        Limit = _pageSize,
        Continue = continueToken,
    };

    /// <summary>Writes watch events as newline-delimited JSON, in the negotiated representation.</summary>
    private sealed class EventWriter(HttpResponse response, SyncedResource synced, ResponseFormat format, ResourceWriter writer)
    {
        private bool _columnsSent;

        public Task WriteAsync(string type, StoredResource item, CancellationToken ct)
        {
            var revision = item.Revision.ToString(CultureInfo.InvariantCulture);
            var rewritten = new StoredResource
            {
                Cluster = item.Cluster,
                Group = item.Group,
                Version = item.Version,
                Resource = item.Resource,
                Kind = item.Kind,
                Namespace = item.Namespace,
                Name = item.Name,
                Uid = item.Uid,
                ResourceVersion = revision,
                CreatedAt = item.CreatedAt,
                Revision = item.Revision,
                Object = ObjectRewriter.WithResourceVersion(item.Object, revision),
            };
            WatchEventFrame.Write(response.BodyWriter, type, default, json =>
            {
                if (format.Kind == ResponseKind.Table)
                {
                    writer.WriteTableRow(json, rewritten, includeColumns: !_columnsSent);
                    _columnsSent = true;
                }
                else
                {
                    writer.WriteObject(json, rewritten);
                }
            });
            return Task.CompletedTask;
        }

        public async Task WriteBookmarkAsync(long revision, CancellationToken ct)
        {
            WatchEventFrame.WriteBookmark(response.BodyWriter, synced.Kind, synced.Resource.ApiVersion, revision);
            await FlushAsync(ct).ConfigureAwait(false);
        }

        public async Task WriteExpiredAsync(long requested, long current, CancellationToken ct)
        {
            WatchEventFrame.WriteError(response.BodyWriter, WatchEventFrame.Expired(requested, current));
            await FlushAsync(ct).ConfigureAwait(false);
        }

        public async Task FlushAsync(CancellationToken ct) => await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
    }
}
