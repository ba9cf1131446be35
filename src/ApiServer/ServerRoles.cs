namespace Clusterpedia.ApiServer;

/// <summary>
/// What one server process does, from the <c>Roles</c> configuration section (<c>--api=false</c>,
/// <c>--synchro=false</c>, <c>Roles__Synchro=false</c>). Both by default. Several processes on one database split
/// the work: API-only replicas serve search and the PediaCluster API and read the sync state from the database (and
/// the PediaClusters' status); one synchro-only process syncs the members and serves only health and metrics.
/// </summary>
public sealed class ServerRoles
{
    public const string Section = "Roles";

    /// <summary>Serve search, discovery and the PediaCluster API.</summary>
    public bool Api { get; set; } = true;

    /// <summary>Run a synchro per PediaCluster, writing member objects and PediaCluster status to the store.</summary>
    public bool Synchro { get; set; } = true;
}
