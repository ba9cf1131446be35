namespace Clusterpedia.Kube.Client;

/// <summary>How a <see cref="Reflector"/> lists, watches and backs off.</summary>
public sealed record ReflectorOptions
{
    /// <summary>Objects per list page.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Server-side timeout of each watch request; the watch is then started again from where it was.</summary>
    public int? WatchTimeoutSeconds { get; init; } = 300;

    /// <summary>The first backoff after a failure; it doubles per further failure, with jitter.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest backoff.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
