namespace Clusterpedia.KubeSim.Admission;

/// <summary>Logs of webhook admission (EventIds 40-49).</summary>
internal static partial class AdmissionLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Failed calling webhook, failing open {Webhook}: {Reason}")]
    public static partial void FailingOpen(ILogger logger, string webhook, string reason);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Failed calling webhook, failing closed {Webhook}: {Reason}")]
    public static partial void FailingClosed(ILogger logger, string webhook, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Rejected by webhook {Webhook}: {Message}")]
    public static partial void Rejected(ILogger logger, string webhook, string message);
}
