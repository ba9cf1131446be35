using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// The resilience pipeline around one HTTP attempt: a per-attempt timeout inside a jittered exponential retry that
/// handles refused/reset connections, timeouts, 429 (honouring Retry-After) and 5xx, and nothing else.
/// </summary>
internal static class KubeRetryPipeline
{
    public static ResiliencePipeline<HttpResponseMessage> Create(KubeClientOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.RetryMaxDelay, timeProvider)),
            });
        }

        builder.AddTimeout(options.RequestTimeout);
        return builder.Build();
    }

    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is { } e)
        {
            return e switch
            {
                TimeoutRejectedException => true,
                HttpRequestException h => h.HttpRequestError is HttpRequestError.ConnectionError
                    or HttpRequestError.NameResolutionError or HttpRequestError.ResponseEnded
                    or HttpRequestError.HttpProtocolError or HttpRequestError.Unknown
                    && h.InnerException is not System.Security.Authentication.AuthenticationException,
                IOException => true,
                _ => false,
            };
        }

        return outcome.Result is { } response && IsTransient(response.StatusCode);
    }

    internal static bool IsTransient(HttpStatusCode code) =>
        code is HttpStatusCode.TooManyRequests
            or HttpStatusCode.InternalServerError
            or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout;

    // Retry-After on 429/503 replaces the computed backoff (capped); null keeps the jittered exponential delay.
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan max, TimeProvider timeProvider)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        var delay = header.Delta ?? (header.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        if (delay is not { } d)
        {
            return null;
        }

        return d < TimeSpan.Zero ? TimeSpan.Zero : d > max ? max : d;
    }
}
