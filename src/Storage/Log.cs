using Microsoft.Extensions.Logging;

namespace Clusterpedia.Storage;

/// <summary>Source-generated log messages of the storage layer; EventIds are stable.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Storage {Engine}: applied schema migration {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, string engine, int version, string name);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Storage {Engine}: schema is up to date")]
    public static partial void SchemaReady(ILogger logger, string engine);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Storage {Engine}: {Server}")]
    public static partial void ServerFeatures(ILogger logger, string engine, string server);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Storage postgres: listening on channel {Channel}; watches are woken by other processes' commits")]
    public static partial void ListenStarted(ILogger logger, string channel);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Storage postgres: LISTEN on channel {Channel} failed; watches fall back to the short poll, retrying in {RetrySeconds} s")]
    public static partial void ListenFailed(ILogger logger, string channel, double retrySeconds, Exception exception);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Storage {Engine}: refreshing planner statistics after bulk writes failed; autovacuum will analyze later")]
    public static partial void AnalyzeFailed(ILogger logger, string engine, Exception exception);
}
