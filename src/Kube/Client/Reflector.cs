using System.Runtime.ExceptionServices;
using Polly;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// The one list-then-watch loop over a collection: lists every page, watches from the list's resourceVersion with
/// bookmarks, resumes each new watch request from the last resourceVersion seen (after a server timeout or an idle
/// watchdog), lists again at once on 410 Expired, and after any other failure backs off through a Polly retry
/// pipeline before listing again. The backoff counts the failures since the last complete list. What the objects
/// mean is the <see cref="IReflectorHandler"/>'s business.
/// </summary>
public sealed class Reflector
{
    private readonly KubeClient _client;
    private readonly string _collectionPath;
    private readonly IReflectorHandler _handler;
    private readonly ReflectorOptions _options;
    private readonly ResiliencePipeline _backoff;

    // A failure of a watch after a good list, already reported: the next attempt rethrows it so that the pipeline
    // waits the first backoff step before listing again.
    private ExceptionDispatchInfo? _watchFailure;

    public Reflector(KubeClient client, string collectionPath, IReflectorHandler handler, ReflectorOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _collectionPath = collectionPath;
        _handler = handler;
        _options = options;
        _backoff = RetryBackoff.Create(options.BackoffBase, options.MaxBackoff, timeProvider);
    }

    /// <summary>The field selector of lists and watches; a handler may drop it (e.g. when the server rejects it).</summary>
    public string? FieldSelector { get; set; }

    /// <summary>Lists and watches until cancelled, or until the handler stops the run.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var next = await _backoff.ExecuteAsync(static (self, ct) => self.AttemptAsync(ct), this, cancellationToken).ConfigureAwait(false);
                if (next == Next.Stop)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async ValueTask<Next> AttemptAsync(CancellationToken ct)
    {
        if (_watchFailure is { } reported)
        {
            _watchFailure = null;
            reported.Throw();
        }

        var listed = false;
        try
        {
            if (!await _handler.StartListAsync(ct).ConfigureAwait(false))
            {
                return Next.Stop;
            }

            var rv = await ListAsync(ct).ConfigureAwait(false);
            listed = true;
            try
            {
                await WatchAsync(rv, ct).ConfigureAwait(false);
            }
            finally
            {
                await _handler.OnWatchStoppedAsync(ct).ConfigureAwait(false);
            }

            return Next.Relist;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (KubeApiException e) when (e.IsExpired)
        {
            _handler.OnExpired();
            return Next.Relist;
        }
        catch (Exception e)
        {
            switch (_handler.OnError(e))
            {
                case ReflectorErrorAction.Stop:
                    return Next.Stop;
                case ReflectorErrorAction.RelistAtOnce:
                    return Next.Relist;
                case ReflectorErrorAction.Backoff when listed:
                    // The list was good: the count of failures starts again, from this one.
                    _watchFailure = ExceptionDispatchInfo.Capture(e);
                    return Next.Relist;
                default:
                    throw;
            }
        }
    }

    private async Task<string> ListAsync(CancellationToken ct)
    {
        var rv = "";
        var request = new ListRequest { Limit = _options.PageSize, FieldSelector = FieldSelector };
        // Pages come in pooled buffers: each goes back once its handler is done with it, so a long list reuses a
        // few buffers instead of putting one large-object-heap array per page on the gen-2 collector.
        await foreach (var page in _client.ListAllPagesAsync(_collectionPath, request, pooled: true, ct).ConfigureAwait(false))
        {
            try
            {
                await _handler.OnPageAsync(page, ct).ConfigureAwait(false);
            }
            finally
            {
                page.Release();
            }

            rv = page.ResourceVersion;
        }

        await _handler.OnListedAsync(ct).ConfigureAwait(false);
        return rv;
    }

    /// <summary>Watches from <paramref name="resourceVersion"/> until a failure (thrown) or the handler stops watching.</summary>
    private async Task WatchAsync(string resourceVersion, CancellationToken ct)
    {
        var rv = resourceVersion;
        while (!ct.IsCancellationRequested && _handler.KeepWatching)
        {
            var request = new WatchRequest
            {
                ResourceVersion = rv,
                AllowWatchBookmarks = true,
                TimeoutSeconds = _options.WatchTimeoutSeconds,
                FieldSelector = FieldSelector,
            };
            var idle = false;
            try
            {
                await foreach (var e in _client.WatchAsync(_collectionPath, request, ct).ConfigureAwait(false))
                {
                    var problem = ObjectIdentity.Check(e.Object.Span, out var identity);
                    if (e.Type != WatchEventType.Bookmark)
                    {
                        await _handler.OnEventAsync(new ReflectedEvent(e.Type, e.Object, identity, problem), ct).ConfigureAwait(false);
                    }

                    rv = identity.ResourceVersion.Length > 0 ? identity.ResourceVersion : rv;
                }
            }
            catch (WatchIdleTimeoutException)
            {
                // A silent stream (no events, no bookmarks): watch again from where we are, nothing is lost.
                idle = true;
            }
            finally
            {
                if (!ct.IsCancellationRequested)
                {
                    _handler.OnWatchEnded(idle);
                }
            }
        }

        ct.ThrowIfCancellationRequested();
    }

    private enum Next
    {
        Relist,
        Stop,
    }
}
