using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Http;

/// <summary>
/// Maps every failure in request handling to a Kubernetes Status. Bad input becomes a 4xx naming the problem;
/// anything unexpected is logged and becomes a 500 Status without internal details.
/// </summary>
internal sealed partial class StatusMiddleware(RequestDelegate next, IOptions<RequestLimits> limits, ILogger<StatusMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await StatusWriter.WriteAsync(context, e).ConfigureAwait(false);
        }
        catch (Clusterpedia.Storage.InvalidQueryException e) when (!context.Response.HasStarted)
        {
            await StatusWriter.WriteAsync(context, ApiException.BadRequest(e.Message)).ConfigureAwait(false);
        }
        catch (Clusterpedia.Kube.Patching.PatchException e) when (!context.Response.HasStarted)
        {
            var reason = e.Code switch
            {
                422 => "Invalid",
                413 => "RequestEntityTooLarge",
                _ => "BadRequest",
            };
            await StatusWriter.WriteAsync(context, new ApiException(e.Code, reason, e.Message)).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Kestrel refused the body while a handler read it: over its size limit, or malformed chunking.
            await StatusWriter.WriteAsync(context, RequestBody.FromBadRequest(e, limits.Value.MaxRequestBodyBytes)).ConfigureAwait(false);
        }
        catch (JsonException e) when (!context.Response.HasStarted)
        {
            await StatusWriter.WriteAsync(context, ApiException.BadRequest($"the request body is not valid JSON: {e.Message}")).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            LogUnhandled(logger, context.Request.Method, context.Request.Path, e);
            await StatusWriter.WriteAsync(context, new ApiException(500, "InternalError", "an internal error occurred; see the server log")).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error serving {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
