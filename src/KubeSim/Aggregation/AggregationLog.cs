namespace Clusterpedia.KubeSim.Aggregation;

/// <summary>Source-generated log messages of the aggregator (event ids 100-119).</summary>
internal static partial class AggregationLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "APIService {Name} Available={Status} ({Reason}): {Message}")]
    public static partial void AvailabilityChanged(ILogger logger, string name, string status, string reason, string message);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Checking APIServices failed; retrying at the next interval")]
    public static partial void SyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Aggregated discovery of APIService {Name} is stale: {Problem}")]
    public static partial void DiscoveryStale(ILogger logger, string name, string problem);
}
