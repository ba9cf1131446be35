namespace Clusterpedia.Kube.Client;

/// <summary>One page of a list response, items kept as the exact JSON bytes received.</summary>
public sealed class ListPage
{
    public required string ResourceVersion { get; init; }

    public string? Continue { get; init; }

    public long? RemainingItemCount { get; init; }

    /// <summary>e.g. <c>DeploymentList</c>.</summary>
    public string? Kind { get; init; }

    public string? ApiVersion { get; init; }

    /// <summary>Each item is the exact UTF-8 JSON of one object: a slice of the page buffer, never re-serialized.</summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> Items { get; init; }

    /// <summary>
    /// Set by <see cref="KubeClient.ListAllPagesAsync"/> on the first page of a list restarted because its continue
    /// token expired: drop what the earlier pages gave, they will come again.
    /// </summary>
    public bool IsRestart { get; init; }
}
