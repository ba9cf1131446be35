namespace Clusterpedia.Kube.Client;

/// <summary>A Kubernetes API error: a non-2xx answer or an ERROR watch event, with its decoded <c>Status</c>.</summary>
public class KubeApiException : Exception
{
    public KubeApiException()
        : this(0, "Unknown", null)
    {
    }

    public KubeApiException(string message)
        : this(0, "Unknown", message)
    {
    }

    public KubeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = "Unknown";
        StatusMessage = message;
    }

    public KubeApiException(int statusCode, string reason, string? statusMessage, Exception? innerException = null)
        : base(FormatMessage(statusCode, reason, statusMessage), innerException)
    {
        StatusCode = statusCode;
        Reason = reason;
        StatusMessage = statusMessage;
    }

    // Messages are printed by every log call that passes the exception; a Status message is bounded like a condition's.
    private const int _maxLoggedMessage = 512;

    private KubeApiException(string message, int statusCode, string reason, string? statusMessage)
        : base(message)
    {
        StatusCode = statusCode;
        Reason = reason;
        StatusMessage = statusMessage;
    }

    /// <summary>HTTP status code, or Status.code of a watch ERROR event.</summary>
    public int StatusCode { get; }

    /// <summary>Status.reason, e.g. NotFound, Expired, Gone.</summary>
    public string Reason { get; }

    public string? StatusMessage { get; }

    /// <summary>
    /// True when <see cref="StatusMessage"/> came from a Kubernetes Status object; false when it is text of some other
    /// body (a proxy's page, anything a non-Kubernetes server sent), which reports about a member must not echo.
    /// </summary>
    public bool FromStatusObject { get; init; }

    /// <summary>410: the resourceVersion or continue token is too old; relist.</summary>
    public bool IsExpired => StatusCode == 410;

    /// <summary>
    /// An error answer whose body was not a Kubernetes Status. <see cref="StatusMessage"/> keeps its text for callers
    /// that trust the server (the host); the exception's message, which logs print, only says how long it was: a
    /// PediaCluster may point at any server, and its answer (a metadata service's credentials) must not reach a log.
    /// </summary>
    internal static KubeApiException WithUnshownBody(int statusCode, string reason, string? text, int bodyBytes) =>
        new($"Kubernetes API error {statusCode} ({reason}): the answer was not a Kubernetes Status ({bodyBytes} bytes); its body is not shown",
            statusCode, reason, text);

    private static string FormatMessage(int statusCode, string reason, string? statusMessage) =>
        string.IsNullOrEmpty(statusMessage)
            ? $"Kubernetes API error {statusCode} ({reason})"
            : $"Kubernetes API error {statusCode} ({reason}): {Bound(statusMessage)}";

    private static string Bound(string text) => text.Length <= _maxLoggedMessage ? text : text[.._maxLoggedMessage] + "...";
}
