namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>One PediaCluster condition (Validated, SynchroRunning, ClusterHealthy, Ready).</summary>
public sealed record ClusterCondition(string Type, bool Status, string Reason, string Message, DateTimeOffset LastTransitionTime);
