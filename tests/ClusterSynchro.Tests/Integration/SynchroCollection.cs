using Clusterpedia.TestSupport.Postgres;

namespace Clusterpedia.ClusterSynchro.Tests.Integration;

/// <summary>
/// The integration tests run one at a time: each starts simulators and a synchro that want the CPU. The collection
/// owns the private PostgreSQL server (started on first use, stopped when the collection is done).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SynchroCollection : ICollectionFixture<PostgresServerLifetime>
{
    public const string Name = "Synchro integration";
}
