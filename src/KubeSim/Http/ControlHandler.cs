using System.Text.Json;
using Clusterpedia.KubeSim.Faults;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// <c>/_sim/faults</c>: the standalone process's remote control for <see cref="FaultInjector"/>. GET shows the state,
/// DELETE resets it, POST applies a JSON document whose members are all optional and applied in this order:
/// <c>{"reset":true,"errorShare":0.5,"errorCode":429,"retryAfterSeconds":2,"errorPathPrefix":"/api/v1/pods",
/// "html":true,"latencyMilliseconds":200,"compact":true,"dropWatches":true,"downSeconds":10,"hang":true,"up":true,
/// "corruptItems":["deep","numericName","numericResourceVersion","nonObject","null","invalidUtf8","loneSurrogate"],
/// "corruptPathPrefix":"/api/v1/pods","corruptInWatch":true,"nestingDepth":200,
/// "endlessContinue":"repeat"|"new"|"off","endlessContinuePathPrefix":"/api/v1/pods",
/// "truncateWatches":true,"truncateWatchesPathPrefix":"/api/v1/pods","stallListBodies":true,
/// "stallListBodiesPathPrefix":"/api/v1/pods","churnPerSecond":100}</c>
/// (a churn of 0 stops it; <c>html</c> goes with <c>errorShare</c>; corrupt items go into lists, and with
/// <c>corruptInWatch</c> into watches instead). It keeps answering while the cluster plays dead, so a test can bring it back.
/// </summary>
internal sealed class ControlHandler
{
    private readonly FaultInjector _faults;
    private readonly Func<double, Task> _setChurn;

    public ControlHandler(FaultInjector faults, Func<double, Task> setChurn)
    {
        _faults = faults;
        _setChurn = setChurn;
    }

    public async Task HandleAsync(HttpContext context, string path)
    {
        if (!string.Equals(path.TrimEnd('/'), "/_sim/faults", StringComparison.Ordinal))
        {
            throw SimulatorApiException.ResourceNotFound();
        }

        var method = context.Request.Method;
        if (HttpMethods.IsDelete(method))
        {
            _faults.Reset();
        }
        else if (HttpMethods.IsPost(method) || HttpMethods.IsPut(method))
        {
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw SimulatorApiException.BadRequest($"the request body is not valid JSON: {e.Message}");
            }

            using (document)
            {
                Apply(document.RootElement);
                if (document.RootElement.TryGetProperty("churnPerSecond", out var churn))
                {
                    if (churn.ValueKind != JsonValueKind.Number || churn.GetDouble() < 0)
                    {
                        throw SimulatorApiException.BadRequest("invalid fault settings: churnPerSecond must be a number, 0 or more");
                    }

                    await _setChurn(churn.GetDouble()).ConfigureAwait(false);
                }
            }
        }
        else if (!HttpMethods.IsGet(method))
        {
            throw SimulatorApiException.MethodNotSupported("faults", method.ToLowerInvariant());
        }

        await Responses.WriteJsonAsync(context, 200, _faults.WriteState).ConfigureAwait(false);
    }

    private void Apply(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw SimulatorApiException.BadRequest("the request body must be a JSON object");
        }

        try
        {
            if (root.TryGetProperty("reset", out var reset) && reset.GetBoolean())
            {
                _faults.Reset();
            }

            if (root.TryGetProperty("errorShare", out var share))
            {
                _faults.SetErrorRate(
                    share.GetDouble(),
                    root.TryGetProperty("errorCode", out var code) ? code.GetInt32() : 500,
                    root.TryGetProperty("retryAfterSeconds", out var retryAfter) ? retryAfter.GetInt32() : 1,
                    root.TryGetProperty("errorPathPrefix", out var prefix) ? prefix.GetString() : null,
                    root.TryGetProperty("html", out var html) && html.GetBoolean());
            }

            if (root.TryGetProperty("latencyMilliseconds", out var latency))
            {
                _faults.SetLatency(TimeSpan.FromMilliseconds(latency.GetDouble()));
            }

            if (root.TryGetProperty("compact", out var compact) && compact.GetBoolean())
            {
                _faults.CompactHistory();
            }

            if (root.TryGetProperty("dropWatches", out var drop) && drop.GetBoolean())
            {
                _faults.DropWatches();
            }

            if (root.TryGetProperty("downSeconds", out var down))
            {
                _faults.GoDown(TimeSpan.FromSeconds(down.GetDouble()));
            }

            if (root.TryGetProperty("hang", out var hang) && hang.GetBoolean())
            {
                _faults.Hang();
            }

            if (root.TryGetProperty("corruptItems", out var corrupt))
            {
                var depth = root.TryGetProperty("nestingDepth", out var d) ? d.GetInt32() : 200;
                var items = corrupt.EnumerateArray().Select(i => CorruptItem.Parse(i.GetString() ?? "", depth)).ToList();
                var corruptPrefix = root.TryGetProperty("corruptPathPrefix", out var cp) ? cp.GetString() ?? "/" : "/";
                if (root.TryGetProperty("corruptInWatch", out var inWatch) && inWatch.GetBoolean())
                {
                    _faults.SetCorruptWatchEvents(corruptPrefix, items);
                }
                else
                {
                    _faults.SetCorruptListItems(corruptPrefix, items);
                }
            }

            if (root.TryGetProperty("endlessContinue", out var endless))
            {
                _faults.SetEndlessContinue(
                    Enum.Parse<EndlessContinueMode>(endless.GetString() ?? "off", ignoreCase: true),
                    root.TryGetProperty("endlessContinuePathPrefix", out var ep) ? ep.GetString() : null);
            }

            if (root.TryGetProperty("truncateWatches", out var truncate))
            {
                _faults.SetTruncateWatches(
                    truncate.GetBoolean(), root.TryGetProperty("truncateWatchesPathPrefix", out var tp) ? tp.GetString() : null);
            }

            if (root.TryGetProperty("stallListBodies", out var stall))
            {
                _faults.SetStallListBodies(
                    stall.GetBoolean(), root.TryGetProperty("stallListBodiesPathPrefix", out var sp) ? sp.GetString() : null);
            }

            if (root.TryGetProperty("up", out var up) && up.GetBoolean())
            {
                _faults.ComeUp();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw SimulatorApiException.BadRequest($"invalid fault settings: {e.Message}");
        }
    }
}
