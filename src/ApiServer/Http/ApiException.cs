using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Http;

/// <summary>An error that becomes a Kubernetes <c>Status</c> response. Thrown anywhere in request handling.</summary>
public sealed class ApiException(int code, string reason, string message) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public string? DetailsName { get; init; }

    public string? DetailsGroup { get; init; }

    public string? DetailsKind { get; init; }

    /// <summary>Per-field causes (details.causes): kubectl prints one "* field: message" line for each.</summary>
    public IReadOnlyList<(string Reason, string Field, string Message)> Causes { get; init; } = [];

    /// <summary>The Status this error answers with.</summary>
    public StatusFailure ToStatus() => new(Code, Reason, Message)
    {
        DetailsName = DetailsName,
        DetailsGroup = DetailsGroup,
        DetailsKind = DetailsKind,
        Causes = [.. Causes.Select(c => new StatusCause(c.Reason, c.Field, c.Message))],
    };

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException NotFound(string group, string resource, string name) =>
        new(404, "NotFound", $"{(group.Length == 0 ? resource : resource + "." + group)} \"{name}\" not found")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = resource,
        };

    public static ApiException PathNotFound() => new(404, "NotFound", "the server could not find the requested resource");

    public static ApiException AlreadyExists(string group, string resource, string name) =>
        new(409, "AlreadyExists", $"{resource}.{group} \"{name}\" already exists")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = resource,
        };

    public static ApiException Conflict(string group, string resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource}.{group} \"{name}\": {why}")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = resource,
        };

    /// <summary>422 Invalid with one cause per "field: message" error, as kube-apiserver reports validation failures.</summary>
    public static ApiException Invalid(string kind, string group, string name, IReadOnlyList<string> errors)
    {
        var summary = errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]";
        var causes = errors.Select(ToCause).ToList();
        return new(422, "Invalid", $"{kind}.{group} \"{name}\" is invalid: {summary}")
        {
            DetailsName = name,
            DetailsGroup = group,
            DetailsKind = kind,
            Causes = causes,
        };
    }

    /// <summary>
    /// Splits "field: Kind of error: detail" into a cause. The field ends before the error kind, not at the first
    /// ": ", because a field can hold one (a label key "a: b" in metadata.labels[a: b]).
    /// </summary>
    private static (string Reason, string Field, string Message) ToCause(string error)
    {
        // The earliest kind wins: a value quoted after it may contain another kind's words.
        var best = (At: int.MaxValue, Reason: "");
        foreach (var (marker, reason) in _causeReasons)
        {
            var at = error.IndexOf(": " + marker, StringComparison.Ordinal);
            if (at > 0 && at < best.At)
            {
                best = (at, reason);
            }
        }

        if (best.Reason.Length > 0)
        {
            return (best.Reason, error[..best.At], error[(best.At + 2)..]);
        }

        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? ("FieldValueInvalid", error[..colon], error[(colon + 2)..]) : ("FieldValueInvalid", "", error);
    }

    /// <summary>kube-apiserver's field error kinds and the cause reasons it reports for them.</summary>
    private static readonly (string Marker, string Reason)[] _causeReasons =
    [
        ("Required value", "FieldValueRequired"),
        ("Invalid value", "FieldValueInvalid"),
        ("Unsupported value", "FieldValueNotSupported"),
        ("Too long", "FieldValueTooLong"),
        ("Duplicate value", "FieldValueDuplicate"),
        ("Forbidden", "FieldValueForbidden"),
    ];

    public static ApiException MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource: {method}");

    public static ApiException NotAcceptable(string message) => new(406, "NotAcceptable", message);

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/merge-patch+json; got \"{contentType}\"");
}
