namespace Clusterpedia.ClusterSynchro.SyncState;

/// <summary>
/// How far the synchros are, as the API server's readiness, Warning headers and metrics need it. A process that runs
/// the synchros answers from their memory (<see cref="Synchro.ClusterSynchroManager"/>); an API-only process answers
/// from the PediaClusters' status the synchros wrote (<see cref="StoredClusterSyncState"/>).
/// </summary>
public interface IClusterSyncState
{
    /// <summary>
    /// True once PediaClusters were read and every cluster finished its initial lists, or is known to be invalid or
    /// unreachable (one broken member must not keep the whole server unready).
    /// </summary>
    bool InitialSyncDone { get; }

    /// <summary>Names of clusters that are not Ready (unhealthy, still listing, failing), in name order.</summary>
    IReadOnlyList<string> NotReadyClusters();
}
