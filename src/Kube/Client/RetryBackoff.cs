using Polly;
using Polly.Retry;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// The one backoff policy of long-running loops (reflectors, connecting to a member): a Polly pipeline that retries
/// every failure but cancellation, forever, with jittered exponential delays from <c>initial</c> up to <c>max</c>.
/// Each execution starts counting from the first delay again.
/// </summary>
public static class RetryBackoff
{
    public static ResiliencePipeline Create(TimeSpan initial, TimeSpan max, TimeProvider timeProvider) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = initial,
                MaxDelay = max,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && !(e is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)),
            })
            .Build();
}
