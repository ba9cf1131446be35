namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>One entry of <c>spec.authenticationFrom</c>: a key of a Secret in the credential namespace of the host cluster.</summary>
public sealed record SecretKeyRef(string Name, string Key);
