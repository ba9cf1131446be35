namespace Clusterpedia.ApiServer.Security;

/// <summary>Warnings about running with security switched off.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 26, Level = LogLevel.Warning, Message = "Serving plain HTTP (--insecure-http): for local experiments only; anyone on the network reads every request")]
    public static partial void InsecureHttp(ILogger logger);

    [LoggerMessage(EventId = 27, Level = LogLevel.Warning, Message = "Authentication and authorization are off (--insecure-skip-auth): every request is served, for local experiments only")]
    public static partial void InsecureSkipAuth(ILogger logger);
}
