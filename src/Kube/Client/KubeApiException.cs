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

    private static string FormatMessage(int statusCode, string reason, string? statusMessage) =>
        string.IsNullOrEmpty(statusMessage)
            ? $"Kubernetes API error {statusCode} ({reason})"
            : $"Kubernetes API error {statusCode} ({reason}): {statusMessage}";
}
