namespace Clusterpedia.ClusterSynchro.Tests.Fixtures;

/// <summary>Which storage engine an integration test class runs on.</summary>
public enum StorageEngineKind
{
    Sqlite,
    Postgres,
}
