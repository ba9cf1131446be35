namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>No plugins loaded: the built-in rules alone resolve workloads.</summary>
public sealed class NoWorkloadPlugins : IWorkloadPlugins
{
    public long Generation => 0;

    public string Fingerprint => "";

    public WorkloadRef? Resolve(ReadOnlySpan<byte> metadataJson) => null;
}
