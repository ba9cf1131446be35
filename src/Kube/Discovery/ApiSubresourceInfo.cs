namespace Clusterpedia.Kube.Discovery;

/// <summary>A subresource (e.g. <c>status</c>, <c>scale</c>) kept apart from its parent resource.</summary>
public sealed record ApiSubresourceInfo(string Name, string Kind, string ResponseGroup, string ResponseVersion, IReadOnlyList<string> Verbs);
