using System.Net;
using System.Text;
using System.Text.Json;

namespace Clusterpedia.Kube.Client;

/// <summary>Turns a Kubernetes <c>Status</c> (or any error body) into a <see cref="KubeApiException"/>.</summary>
internal static class KubeStatus
{
    internal const int MaxMessageBytes = 4096;

    /// <summary>Decodes the Status in an error response body, or synthesizes one from the HTTP code, as client-go does.</summary>
    public static KubeApiException FromResponse(HttpStatusCode statusCode, ReadOnlySpan<byte> body)
    {
        var code = (int)statusCode;
        if (TryReadStatus(body, out var statusCode2, out var reason, out var message))
        {
            return new KubeApiException(statusCode2 ?? code, reason ?? ReasonFor(code), message) { FromStatusObject = true };
        }

        var text = body.IsEmpty ? null : Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxMessageBytes)]).Trim();
        if (text is not null && text.StartsWith('<') && HtmlTitle(text) is { } title)
        {
            // An error page from a proxy or load balancer in front of the apiserver: its title says what happened,
            // the markup would only bury it.
            text = $"{title} (an HTML page, not a Kubernetes Status: likely from a proxy in front of the apiserver)";
        }

        return string.IsNullOrEmpty(text)
            ? new KubeApiException(code, ReasonFor(code), DefaultMessage(code))
            : KubeApiException.WithUnshownBody(code, ReasonFor(code), text, body.Length);
    }

    private static string? HtmlTitle(string html)
    {
        var start = html.IndexOf("<title>", StringComparison.OrdinalIgnoreCase);
        var end = start < 0 ? -1 : html.IndexOf("</title>", start, StringComparison.OrdinalIgnoreCase);
        if (end < 0)
        {
            return null;
        }

        var title = html[(start + "<title>".Length)..end].Trim();
        return title.Length == 0 ? null : title;
    }

    /// <summary>The object of a watch ERROR event.</summary>
    public static KubeApiException FromWatchError(ReadOnlySpan<byte> statusObject)
    {
        if (TryReadStatus(statusObject, out var code, out var reason, out var message))
        {
            var c = code ?? 500;
            return new KubeApiException(c, reason ?? ReasonFor(c), message) { FromStatusObject = true };
        }

        return new KubeApiException(500, "InternalError", "watch ERROR event without a Status object");
    }

    private static bool TryReadStatus(ReadOnlySpan<byte> body, out int? code, out string? reason, out string? message)
    {
        code = null;
        reason = null;
        message = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var isStatus = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("kind"u8))
                {
                    reader.Read();
                    isStatus = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("Status"u8);
                }
                else if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var c))
                    {
                        code = c;
                    }
                }
                else if (reader.ValueTextEquals("reason"u8))
                {
                    reader.Read();
                    reason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    message = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (string.IsNullOrEmpty(reason))
            {
                reason = null;
            }

            return isStatus || code is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Gone",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        >= 500 => "InternalError",
        _ => "Unknown",
    };

    private static string DefaultMessage(int code) => code switch
    {
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "the server could not find the requested resource",
        410 => "the resource version is too old",
        429 => "the server has received too many requests and has asked us to try again later",
        >= 500 => "an error on the server has prevented the request from succeeding",
        _ => $"the server responded with the status code {code} but did not return more information",
    };
}
