using System.Text.Json;

namespace Clusterpedia.KubeSim.Faults;

/// <summary>
/// Makes the simulated cluster misbehave on purpose, the way real apiservers do: go down for a while (connections
/// aborted, watches cut), answer a share of requests with 500 or 429, answer slowly, forget history (410) or drop
/// watches, hang (accept connections and never answer), or serve corrupt data: broken items in list pages and watch
/// streams, continue tokens that never end, watch streams cut mid-event, HTML error pages from a proxy.
/// Every setting is deterministic: a share of 1.0 fails every request, 0.5 exactly every second one.
/// The control endpoint (<c>/_sim/faults</c>) and the command line drive the same object.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly SimulatorStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _cluster;
    private DateTimeOffset _downUntil = DateTimeOffset.MinValue;
    private double _errorShare;
    private int _errorStatusCode = 500;
    private int _retryAfterSeconds = 1;
    private string? _errorPathPrefix;
    private TimeSpan _latency;
    private long _requests;
    private bool _htmlErrors;
    private TaskCompletionSource? _hang;
    private IReadOnlyList<CorruptItem> _listItems = [];
    private string? _listItemsPathPrefix;
    private IReadOnlyList<CorruptItem> _watchItems = [];
    private string? _watchItemsPathPrefix;
    private EndlessContinueMode _endlessContinue;
    private string? _endlessContinuePathPrefix;
    private long _endlessTokens;
    private bool _truncateWatches;
    private TaskCompletionSource? _stallBodies;
    private string? _stallBodiesPathPrefix;
    private string? _truncateWatchesPathPrefix;

    internal FaultInjector(SimulatorStore store, TimeProvider time, ILogger logger, string cluster)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _cluster = cluster;
    }

    /// <summary>True while the cluster plays dead: every request's connection is aborted.</summary>
    public bool IsDown => _time.GetUtcNow() < DownUntil;

    /// <summary>When the cluster comes back; in the past when it is up.</summary>
    public DateTimeOffset DownUntil
    {
        get
        {
            lock (_lock)
            {
                return _downUntil;
            }
        }
    }

    /// <summary>Share of requests (0 to 1) answered with <see cref="ErrorStatusCode"/>.</summary>
    public double ErrorShare
    {
        get
        {
            lock (_lock)
            {
                return _errorShare;
            }
        }
    }

    public int ErrorStatusCode
    {
        get
        {
            lock (_lock)
            {
                return _errorStatusCode;
            }
        }
    }

    /// <summary>Added before every answer (watches included: before the stream starts).</summary>
    public TimeSpan Latency
    {
        get
        {
            lock (_lock)
            {
                return _latency;
            }
        }
    }

    /// <summary>
    /// Plays a dead apiserver for <paramref name="duration"/>: open watches are cut and every request, health checks
    /// included, has its connection aborted without an answer. Only <c>/_sim/*</c> keeps answering.
    /// </summary>
    public void GoDown(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        lock (_lock)
        {
            _downUntil = _time.GetUtcNow() + duration;
        }

        Log.FaultDown(_logger, _cluster, duration);
        _store.DropWatches();
    }

    /// <summary>Ends a <see cref="GoDown"/> early, and a <see cref="Hang"/>.</summary>
    public void ComeUp()
    {
        TaskCompletionSource? hang;
        lock (_lock)
        {
            _downUntil = DateTimeOffset.MinValue;
            hang = _hang;
            _hang = null;
        }

        hang?.TrySetResult();
    }

    /// <summary>True while the cluster plays a hung process: connections are accepted and nothing is answered.</summary>
    public bool IsHung
    {
        get
        {
            lock (_lock)
            {
                return _hang is not null;
            }
        }
    }

    /// <summary>
    /// Plays a hung apiserver (a stopped process, a black-holed route): new requests are accepted and never answered,
    /// open watches fall silent (no events, no bookmarks), connections stay open, until <see cref="ComeUp"/> or
    /// <see cref="Reset"/>. Only <c>/_sim/*</c> keeps answering.
    /// </summary>
    public void Hang()
    {
        lock (_lock)
        {
            _hang ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        Log.FaultInjected(_logger, _cluster, "hung");
    }

    /// <summary>Returns at once unless hung; then when the hang ends or <paramref name="cancellationToken"/> fires.</summary>
    internal Task WaitWhileHungAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource? hang;
        lock (_lock)
        {
            hang = _hang;
        }

        return hang is null ? Task.CompletedTask : hang.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Puts <paramref name="items"/> at the start of the first page of every list whose path starts with
    /// <paramref name="pathPrefix"/> (e.g. <c>/api/v1/pods</c>), before the real objects. No items turns it off.
    /// </summary>
    public void SetCorruptListItems(string pathPrefix, params IReadOnlyList<CorruptItem> items)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathPrefix);
        lock (_lock)
        {
            _listItems = [.. items];
            _listItemsPathPrefix = items.Count == 0 ? null : pathPrefix;
        }

        Log.FaultCorrupt(_logger, _cluster, "list items", pathPrefix, items.Count);
    }

    /// <summary>
    /// Sends <paramref name="items"/> as ADDED events at the start of every watch whose path starts with
    /// <paramref name="pathPrefix"/>, after the events it replays. No items turns it off.
    /// </summary>
    public void SetCorruptWatchEvents(string pathPrefix, params IReadOnlyList<CorruptItem> items)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathPrefix);
        lock (_lock)
        {
            _watchItems = [.. items];
            _watchItemsPathPrefix = items.Count == 0 ? null : pathPrefix;
        }

        Log.FaultCorrupt(_logger, _cluster, "watch events", pathPrefix, items.Count);
    }

    /// <summary>
    /// Lists whose path starts with <paramref name="pathPrefix"/> never end: every page carries a continue token, and
    /// a request with such a token gets the first page again. <see cref="EndlessContinueMode.Repeat"/> sends the same
    /// token every time, <see cref="EndlessContinueMode.New"/> a new one each page.
    /// </summary>
    public void SetEndlessContinue(EndlessContinueMode mode, string? pathPrefix = null)
    {
        lock (_lock)
        {
            _endlessContinue = mode;
            _endlessContinuePathPrefix = string.IsNullOrEmpty(pathPrefix) ? null : pathPrefix;
            _endlessTokens = 0;
        }

        Log.FaultEndlessContinue(_logger, _cluster, mode);
    }

    /// <summary>
    /// Watches whose path starts with <paramref name="pathPrefix"/> send what they replay, then half an event line,
    /// and end the stream there (as a proxy that cuts a response would).
    /// </summary>
    public void SetTruncateWatches(bool on, string? pathPrefix = null)
    {
        lock (_lock)
        {
            _truncateWatches = on;
            _truncateWatchesPathPrefix = string.IsNullOrEmpty(pathPrefix) ? null : pathPrefix;
        }

        Log.FaultInjected(_logger, _cluster, on ? "watches truncated" : "watches whole");
    }

    /// <summary>
    /// Lists whose path starts with <paramref name="pathPrefix"/> send their headers and the start of the body, then
    /// nothing more (connection open) until this is turned off or <see cref="Reset"/>: a member that hangs mid-answer.
    /// </summary>
    public void SetStallListBodies(bool on, string? pathPrefix = null)
    {
        TaskCompletionSource? ended = null;
        lock (_lock)
        {
            if (on)
            {
                _stallBodies ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _stallBodiesPathPrefix = string.IsNullOrEmpty(pathPrefix) ? null : pathPrefix;
            }
            else
            {
                ended = _stallBodies;
                _stallBodies = null;
            }
        }

        ended?.TrySetResult();
        Log.FaultInjected(_logger, _cluster, on ? "list bodies stall" : "list bodies flow");
    }

    /// <summary>Returns at once unless list bodies on this path stall; then when the stall ends or the request is aborted.</summary>
    internal Task StallListBodyAsync(string path, CancellationToken cancellationToken)
    {
        TaskCompletionSource? stall;
        lock (_lock)
        {
            stall = _stallBodies is not null && (_stallBodiesPathPrefix is null || path.StartsWith(_stallBodiesPathPrefix, StringComparison.Ordinal))
                ? _stallBodies
                : null;
        }

        return stall is null ? Task.CompletedTask : stall.Task.WaitAsync(cancellationToken);
    }

    /// <summary>True when injected error answers are HTML pages instead of Status objects.</summary>
    internal bool HtmlErrors
    {
        get
        {
            lock (_lock)
            {
                return _htmlErrors;
            }
        }
    }

    /// <summary>The corrupt items to put at the start of this list page (none unless the fault is on for the path).</summary>
    internal IReadOnlyList<CorruptItem> ListItemsFor(string path, bool firstPage)
    {
        lock (_lock)
        {
            return firstPage && Matches(path, _listItemsPathPrefix) ? _listItems : [];
        }
    }

    internal IReadOnlyList<CorruptItem> WatchItemsFor(string path)
    {
        lock (_lock)
        {
            return Matches(path, _watchItemsPathPrefix) ? _watchItems : [];
        }
    }

    internal bool TruncatesWatch(string path)
    {
        lock (_lock)
        {
            return _truncateWatches && (_truncateWatchesPathPrefix is null || path.StartsWith(_truncateWatchesPathPrefix, StringComparison.Ordinal));
        }
    }

    /// <summary>True when this list never ends; then <paramref name="token"/> is the continue token its page carries.</summary>
    internal bool EndlessContinueFor(string path, out string token)
    {
        lock (_lock)
        {
            if (_endlessContinue == EndlessContinueMode.Off
                || (_endlessContinuePathPrefix is not null && !path.StartsWith(_endlessContinuePathPrefix, StringComparison.Ordinal)))
            {
                token = "";
                return false;
            }

            token = _endlessContinue == EndlessContinueMode.Repeat
                ? EndlessTokenPrefix + "same"
                : EndlessTokenPrefix + (++_endlessTokens).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return true;
        }
    }

    internal const string EndlessTokenPrefix = "endless-";

    private static bool Matches(string path, string? prefix) => prefix is not null && path.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>
    /// Answers a share of requests with a Kubernetes Status of <paramref name="statusCode"/> (500, 503, 429 with
    /// <c>Retry-After</c>...). The choice is a counter, not a die: share 1.0 fails every request, 0.25 every fourth.
    /// <paramref name="pathPrefix"/> limits the fault to paths starting with it (e.g. <c>/api/v1/pods</c>).
    /// </summary>
    /// <remarks>With <paramref name="html"/> the answer is an HTML page (<c>text/html</c>) such as a proxy in front of
    /// an apiserver sends (nginx's <c>502 Bad Gateway</c>), not a Status.</remarks>
    public void SetErrorRate(double share, int statusCode = 500, int retryAfterSeconds = 1, string? pathPrefix = null, bool html = false)
    {
        if (double.IsNaN(share) || share < 0 || share > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "The share of failed requests must be between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentOutOfRangeException.ThrowIfNegative(retryAfterSeconds);
        lock (_lock)
        {
            _errorShare = share;
            _errorStatusCode = statusCode;
            _retryAfterSeconds = retryAfterSeconds;
            _errorPathPrefix = string.IsNullOrEmpty(pathPrefix) ? null : pathPrefix;
            _htmlErrors = html;
            _requests = 0;
        }

        Log.FaultErrors(_logger, _cluster, share, statusCode);
    }

    /// <summary>Delays every answer by <paramref name="latency"/> (zero turns it off).</summary>
    public void SetLatency(TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        lock (_lock)
        {
            _latency = latency;
        }

        Log.FaultLatency(_logger, _cluster, latency);
    }

    /// <summary>Forgets the history window: older resourceVersions and continue tokens get 410 Expired.</summary>
    public void CompactHistory()
    {
        _store.Compact();
        Log.FaultInjected(_logger, _cluster, "history compacted");
    }

    /// <summary>Ends every open watch (the connection stays usable); clients rewatch from their last resourceVersion.</summary>
    public void DropWatches()
    {
        _store.DropWatches();
        Log.FaultInjected(_logger, _cluster, "watches dropped");
    }

    /// <summary>Back to a healthy cluster: up, not hung, no errors, no latency, no corrupt data.</summary>
    public void Reset()
    {
        TaskCompletionSource? hang, stall;
        lock (_lock)
        {
            _downUntil = DateTimeOffset.MinValue;
            _errorShare = 0;
            _errorStatusCode = 500;
            _retryAfterSeconds = 1;
            _errorPathPrefix = null;
            _latency = TimeSpan.Zero;
            _requests = 0;
            _htmlErrors = false;
            _listItems = [];
            _listItemsPathPrefix = null;
            _watchItems = [];
            _watchItemsPathPrefix = null;
            _endlessContinue = EndlessContinueMode.Off;
            _endlessContinuePathPrefix = null;
            _truncateWatches = false;
            _truncateWatchesPathPrefix = null;
            hang = _hang;
            _hang = null;
            stall = _stallBodies;
            _stallBodies = null;
            _stallBodiesPathPrefix = null;
        }

        hang?.TrySetResult();
        stall?.TrySetResult();
        Log.FaultInjected(_logger, _cluster, "reset");
    }

    /// <summary>The error this request should get, or null; counts the request when the fault applies to its path.</summary>
    internal SimulatorApiException? NextError(string path)
    {
        lock (_lock)
        {
            if (_errorShare <= 0 || (_errorPathPrefix is not null && !path.StartsWith(_errorPathPrefix, StringComparison.Ordinal)))
            {
                return null;
            }

            var n = ++_requests;
            // Fail when the running total of failures due crosses an integer: exactly share * n failures after n requests.
            var fail = Math.Floor(n * _errorShare) > Math.Floor((n - 1) * _errorShare);
            return fail ? Error(_errorStatusCode, _retryAfterSeconds) : null;
        }
    }

    internal void WriteState(Utf8JsonWriter writer)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            writer.WriteStartObject();
            writer.WriteBoolean("down", now < _downUntil);
            writer.WriteNumber("downRemainingSeconds", now < _downUntil ? Math.Round((_downUntil - now).TotalSeconds, 3) : 0);
            writer.WriteNumber("errorShare", _errorShare);
            writer.WriteNumber("errorCode", _errorStatusCode);
            writer.WriteNumber("retryAfterSeconds", _retryAfterSeconds);
            if (_errorPathPrefix is not null)
            {
                writer.WriteString("errorPathPrefix", _errorPathPrefix);
            }

            writer.WriteNumber("latencyMilliseconds", (long)_latency.TotalMilliseconds);
            writer.WriteBoolean("hung", _hang is not null);
            writer.WriteBoolean("html", _htmlErrors);
            writer.WriteString("endlessContinue", _endlessContinue.ToString());
            writer.WriteBoolean("truncateWatches", _truncateWatches);
            writer.WriteStartArray("corruptItems");
            foreach (var item in _listItems)
            {
                writer.WriteStringValue(item.Kind);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("corruptWatchEvents");
            foreach (var item in _watchItems)
            {
                writer.WriteStringValue(item.Kind);
            }

            writer.WriteEndArray();
            writer.WriteNumber("resourceVersion", _store.CurrentResourceVersion);
            writer.WriteNumber("compactedResourceVersion", _store.CompactedResourceVersion);
            writer.WriteEndObject();
        }
    }

    private static SimulatorApiException Error(int code, int retryAfterSeconds) => code switch
    {
        429 => new SimulatorApiException(429, "TooManyRequests", "Too many requests, please try again later.")
        {
            RetryAfterSeconds = retryAfterSeconds,
        },
        500 => new SimulatorApiException(500, "InternalError", "Internal error occurred: injected fault")
        {
            Causes = [(string.Empty, "injected fault")],
        },
        503 => new SimulatorApiException(503, "ServiceUnavailable", "the server is currently unable to handle the request")
        {
            RetryAfterSeconds = retryAfterSeconds,
        },
        504 => new SimulatorApiException(504, "Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"),
        _ => new SimulatorApiException(code, code >= 500 ? "InternalError" : "BadRequest", $"injected fault: HTTP {code}"),
    };
}
