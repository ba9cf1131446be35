using Clusterpedia.Kube.Server;

namespace Clusterpedia.KubeSim;

/// <summary>
/// A failed API operation, carrying what a kube-apiserver puts in the <c>Status</c> it answers with
/// (code, reason, message, details), so the HTTP layer and in-process callers see the same error.
/// </summary>
public sealed class SimulatorApiException : Exception
{
    public SimulatorApiException()
        : this(500, "InternalError", "internal error")
    {
    }

    public SimulatorApiException(string message)
        : this(500, "InternalError", message)
    {
    }

    public SimulatorApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 500;
        Reason = "InternalError";
    }

    public SimulatorApiException(int code, string reason, string message, string? name = null, string? group = null, string? kind = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        DetailsName = name;
        DetailsGroup = group;
        DetailsKind = kind;
    }

    /// <summary>HTTP status code, e.g. 404.</summary>
    public int Code { get; }

    /// <summary>Status reason, e.g. <c>NotFound</c>, <c>AlreadyExists</c>, <c>Conflict</c>, <c>Expired</c>.</summary>
    public string Reason { get; }

    public string? DetailsName { get; }

    public string? DetailsGroup { get; }

    /// <summary>In kube-apiserver Status details this is the resource (plural) name, e.g. <c>pods</c>.</summary>
    public string? DetailsKind { get; }

    /// <summary>For 410 on an expired continue token: a token that continues at the latest revision instead.</summary>
    public string? ContinueToken { get; init; }

    /// <summary>Seconds a client should wait before retrying (429, 503): <c>details.retryAfterSeconds</c> and <c>Retry-After</c>.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Field causes for 422 Invalid answers; an empty field writes a cause with a message only.</summary>
    public IReadOnlyList<(string Field, string Message)> Causes { get; init; } = [];

    /// <summary>
    /// Causes relayed as another server wrote them (an admission webhook's denial), reasons included; when set they
    /// replace <see cref="Causes"/>.
    /// </summary>
    public IReadOnlyList<StatusCause>? RelayedCauses { get; init; }

    /// <summary>The Status this error answers with; a cause with an empty field carries a message only.</summary>
    public StatusFailure ToStatus() => new(Code, Reason, Message)
    {
        DetailsName = DetailsName,
        DetailsGroup = DetailsGroup,
        DetailsKind = DetailsKind,
        Causes = RelayedCauses is { } relayed ? [.. relayed]
            : [.. Causes.Select(c => c.Field.Length > 0 ? new StatusCause("FieldValueInvalid", c.Field, c.Message) : new StatusCause(null, null, c.Message))],
        RetryAfterSeconds = RetryAfterSeconds,
        ContinueToken = ContinueToken,
    };

    internal static SimulatorApiException NotFound(string group, string resource, string name) =>
        new(404, "NotFound", $"{Qualified(group, resource)} \"{name}\" not found", name, NullIfEmpty(group), resource);

    internal static SimulatorApiException AlreadyExists(string group, string resource, string name) =>
        new(409, "AlreadyExists", $"{Qualified(group, resource)} \"{name}\" already exists", name, NullIfEmpty(group), resource);

    internal static SimulatorApiException Conflict(string group, string resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(group, resource)} \"{name}\": {why}", name, NullIfEmpty(group), resource);

    internal static SimulatorApiException BadRequest(string message) => new(400, "BadRequest", message);

    internal static SimulatorApiException Invalid(string group, string kind, string name, string field, string problem) =>
        new(422, "Invalid", $"{kind} \"{name}\" is invalid: {field}: {problem}", name, NullIfEmpty(group), kind)
        {
            Causes = [(field, problem)],
        };

    internal static SimulatorApiException Expired(string message) => new(410, "Expired", message);

    internal static SimulatorApiException ResourceNotFound() =>
        new(404, "NotFound", "the server could not find the requested resource");

    internal static SimulatorApiException MethodNotSupported(string resource, string verb) =>
        new(405, "MethodNotAllowed", $"{verb} is not supported on resources of kind \"{resource}\"");

    private static string Qualified(string group, string resource) => group.Length == 0 ? resource : $"{resource}.{group}";

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
