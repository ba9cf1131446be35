namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>The workload a pod belongs to: its kind (e.g. Deployment, StatefulSet) and name, in the pod's namespace.</summary>
public readonly record struct WorkloadRef(string Kind, string Name);
