using System.Diagnostics;
using Clusterpedia.ApiServer.Search;

namespace Clusterpedia.ApiServer.Observability;

/// <summary>Counts and times every request (watches are counted when they end).</summary>
internal sealed class MetricsMiddleware(RequestDelegate next, ServerMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var verb = context.Request.Query.IsWatch() ? "WATCH" : context.Request.Method;
            metrics.Record(verb, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        }
    }
}
