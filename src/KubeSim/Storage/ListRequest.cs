namespace Clusterpedia.KubeSim.Storage;

/// <summary>What to list: a namespace (or all), at which revision (null = latest), from which key, how many.</summary>
internal sealed record ListRequest(
    string? Namespace,
    long? AtResourceVersion,
    string? StartKey,
    int Limit,
    Func<ObjectVersion, bool>? Filter);
