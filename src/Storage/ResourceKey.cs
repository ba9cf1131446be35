namespace Clusterpedia.Storage;

/// <summary>Identity of a stored object: one row per key.</summary>
public readonly record struct ResourceKey(string Cluster, string Group, string Version, string Resource, string Namespace, string Name);
