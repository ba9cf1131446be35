namespace Clusterpedia.Kube.Client;

/// <summary>
/// One page of a list response, items kept as the exact JSON bytes received. A page the reflector reads lives in a
/// pooled buffer, given back once its handler is done with the page.
/// </summary>
public sealed class ListPage
{
    private (byte[] Buffer, int Length)? _rented;

    public required string ResourceVersion { get; init; }

    public string? Continue { get; init; }

    public long? RemainingItemCount { get; init; }

    /// <summary>e.g. <c>DeploymentList</c>.</summary>
    public string? Kind { get; init; }

    public string? ApiVersion { get; init; }

    /// <summary>Each item is the exact UTF-8 JSON of one object: a slice of the page buffer, never re-serialized.</summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> Items { get; init; }

    /// <summary>
    /// Set by <see cref="KubeClient.ListAllPagesAsync(string, ListRequest, CancellationToken)"/> on the first page of a list restarted because its continue
    /// token expired: drop what the earlier pages gave, they will come again.
    /// </summary>
    public bool IsRestart { get; init; }

    /// <summary>The pooled buffer the items are slices of, when the page was read into one (the reflector's pages).</summary>
    internal (byte[] Buffer, int Length)? Rented
    {
        get => _rented;
        init => _rented = value;
    }

    internal ListPage WithRented((byte[] Buffer, int Length) rented) => With(IsRestart, rented);

    internal ListPage With(bool isRestart, (byte[] Buffer, int Length)? rented) => new()
    {
        ResourceVersion = ResourceVersion,
        Continue = Continue,
        RemainingItemCount = RemainingItemCount,
        Kind = Kind,
        ApiVersion = ApiVersion,
        Items = Items,
        IsRestart = isRestart,
        Rented = rented,
    };

    /// <summary>Gives the pooled buffer back; the items must not be read afterwards. Does nothing for other pages.</summary>
    internal void Release()
    {
        if (_rented is { } rented)
        {
            _rented = null;
            ResponseBody.Return(rented.Buffer, rented.Length);
        }
    }
}
