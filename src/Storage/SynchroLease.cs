namespace Clusterpedia.Storage;

/// <summary>One stored cluster lease as the database sees it now (expiry judged by the database clock).</summary>
public sealed record SynchroLease(string Cluster, string Holder, long Generation, bool Expired);
