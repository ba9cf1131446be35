namespace Clusterpedia.KubeSim.Discovery;

/// <summary>A subresource such as <c>status</c> or <c>scale</c>; group and version are set only when its kind lives elsewhere.</summary>
internal sealed record ApiSubresource(string Name, string Kind, string? Group, string? Version, IReadOnlyList<string> Verbs);
