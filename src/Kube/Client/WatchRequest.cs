namespace Clusterpedia.Kube.Client;

/// <summary>Query parameters of a watch request.</summary>
public sealed record WatchRequest
{
    public required string ResourceVersion { get; init; }

    public bool AllowWatchBookmarks { get; init; } = true;

    /// <summary>Server-side timeout; the server then closes the stream, which ends the enumeration cleanly.</summary>
    public int? TimeoutSeconds { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }
}
