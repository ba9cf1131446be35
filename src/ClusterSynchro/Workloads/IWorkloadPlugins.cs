namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>
/// The workload plugins loaded now (Lua, DeepFlow's <c>GetWorkloadTypeAndName(metaJsonStr)</c> contract). The
/// synchro asks them before its built-in rules; the first plugin (in name order) with a non-empty answer wins.
/// </summary>
public interface IWorkloadPlugins
{
    /// <summary>
    /// Changes whenever a plugin is added, replaced or removed; the synchro re-resolves stored pods when it moves.
    /// </summary>
    long Generation { get; }

    /// <summary>
    /// Identifies what the loaded plugins answer: equal fingerprints resolve every object alike. Empty when no plugin
    /// is loaded (the built-in rules alone); stored with the rows' resolution so a restart can skip re-resolving them.
    /// </summary>
    string Fingerprint { get; }

    /// <summary>
    /// The workload of the object whose metadata is <paramref name="metadataJson"/> (the object's <c>metadata</c> as
    /// UTF-8 JSON, the <c>metaJsonStr</c> a plugin receives), or null when no plugin handles it. Never throws: a
    /// plugin that fails or runs over its budget is marked failed in its status and skipped.
    /// </summary>
    WorkloadRef? Resolve(ReadOnlySpan<byte> metadataJson);
}
