namespace Clusterpedia.KubeSim.Rbac;

/// <summary>Source-generated log messages of authentication and authorization, event ids 60 to 69.</summary>
internal static partial class RbacLog
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "Aggregating ClusterRoles failed")]
    public static partial void AggregationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 61, Level = LogLevel.Debug, Message = "Aggregated ClusterRole {Name} now has {Rules} rules")]
    public static partial void Aggregated(ILogger logger, string name, int rules);

    [LoggerMessage(EventId = 62, Level = LogLevel.Debug, Message = "{Method} {Path} forbidden for {User}")]
    public static partial void Forbidden(ILogger logger, string method, string path, string user);
}
