namespace Clusterpedia.ApiServer.Tests.Hostile;

/// <summary>Facts about the running environment the generator builds on: real names and real continue tokens.</summary>
/// <param name="Cluster">The member's PediaCluster, only ever written in dry-run.</param>
/// <param name="Target">The sacrificial PediaCluster and ClusterSyncResources the corpus may change.</param>
/// <param name="PodNamespace">Namespace of a pod the member really has.</param>
/// <param name="PodName">Name of that pod.</param>
/// <param name="PediaClusterJson">A valid PediaCluster body (named <paramref name="Target"/>) to mutate.</param>
/// <param name="ContinueTokens">Tokens the server itself issued (one per sort order), mutated by the generator.</param>
public sealed record CorpusContext(
    string Cluster,
    string Target,
    string PodNamespace,
    string PodName,
    string PediaClusterJson,
    IReadOnlyList<string> ContinueTokens);
