namespace Clusterpedia.Kube.Client;

/// <summary>Query parameters of a list request.</summary>
public sealed record ListRequest
{
    public int? Limit { get; init; }

    public string? Continue { get; init; }

    public string? ResourceVersion { get; init; }

    /// <summary><c>Exact</c> or <c>NotOlderThan</c>.</summary>
    public string? ResourceVersionMatch { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }
}
