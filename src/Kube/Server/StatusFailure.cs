namespace Clusterpedia.Kube.Server;

/// <summary>
/// What a failed request answers with as a metav1 <c>Status</c> (code, reason, message, details): the API server's
/// and the simulator's errors both become one of these, so the wire shape is decided once in <see cref="StatusJson"/>.
/// </summary>
public sealed record StatusFailure(int Code, string Reason, string Message)
{
    public string? DetailsName { get; init; }

    /// <summary>Left out when empty: the core group has no name on the wire.</summary>
    public string? DetailsGroup { get; init; }

    /// <summary>kube-apiserver puts the resource (plural) here, e.g. <c>pods</c>.</summary>
    public string? DetailsKind { get; init; }

    public IReadOnlyList<StatusCause> Causes { get; init; } = [];

    /// <summary>For 429 and 503: <c>details.retryAfterSeconds</c>.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>For 410 on an expired continue token: <c>metadata.continue</c>, a token at the latest revision.</summary>
    public string? ContinueToken { get; init; }
}
