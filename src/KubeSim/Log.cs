namespace Clusterpedia.KubeSim;

/// <summary>Source-generated log messages of the simulator, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Simulated cluster {Cluster} listening on {Url} with {Objects} generated objects")]
    public static partial void Listening(ILogger logger, string cluster, Uri url, int objects);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Method} {Path} -> {StatusCode}")]
    public static partial void Request(ILogger logger, string method, string path, int statusCode);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Unhandled error serving {Method} {Path}")]
    public static partial void UnhandledError(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Watch on {Resource} ended after {Events} events")]
    public static partial void WatchEnded(ILogger logger, string resource, int events);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Fault injected on {Cluster}: {Fault}")]
    public static partial void FaultInjected(ILogger logger, string cluster, string fault);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Fault injected on {Cluster}: down for {Duration}")]
    public static partial void FaultDown(ILogger logger, string cluster, TimeSpan duration);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Fault injected on {Cluster}: a share {Share} of requests answered {StatusCode}")]
    public static partial void FaultErrors(ILogger logger, string cluster, double share, int statusCode);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Fault injected on {Cluster}: latency {Latency}")]
    public static partial void FaultLatency(ILogger logger, string cluster, TimeSpan latency);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Fault injected on {Cluster}: {Count} corrupt {Where} on {PathPrefix}")]
    public static partial void FaultCorrupt(ILogger logger, string cluster, string where, string pathPrefix, int count);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Fault injected on {Cluster}: endless continue tokens ({Mode})")]
    public static partial void FaultEndlessContinue(ILogger logger, string cluster, Faults.EndlessContinueMode mode);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Reconciling {Resource} {Namespace}/{Name} failed")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, string resource, string @namespace, string name);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "A churn write failed")]
    public static partial void ChurnFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Churn on {Cluster}: {PerSecond} writes per second")]
    public static partial void ChurnStarted(ILogger logger, string cluster, double perSecond);
}
