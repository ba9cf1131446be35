using Microsoft.Extensions.Logging;

namespace Clusterpedia.Storage.Engine;

/// <summary>Source-generated log messages of the read replicas; EventIds are stable (5020-5029).</summary>
internal static partial class ReadReplicaLog
{
    [LoggerMessage(EventId = 5020, Level = LogLevel.Warning, Message = "Storage read replica {Replica} is unavailable; reads go to the primary, retrying it in {RetrySeconds} s")]
    public static partial void Unavailable(ILogger logger, string replica, double retrySeconds, Exception exception);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Warning, Message = "Storage read replica {Replica} has replayed revision {Applied} but {Needed} was needed within {WaitMilliseconds} ms; reads go to the primary, retrying it in {RetrySeconds} s")]
    public static partial void Lagging(ILogger logger, string replica, long applied, long needed, double waitMilliseconds, double retrySeconds);

    [LoggerMessage(EventId = 5022, Level = LogLevel.Information, Message = "Storage read replica {Replica} serves reads again")]
    public static partial void Recovered(ILogger logger, string replica);

    [LoggerMessage(EventId = 5023, Level = LogLevel.Information, Message = "Storage: {Count} read replica(s) configured ({Replicas}); API reads go to them, writes to the primary")]
    public static partial void Configured(ILogger logger, int count, string replicas);
}
