using Clusterpedia.TestSupport.Postgres;

namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>
/// The PostgreSQL test classes share one server: this collection's fixture stops it once they are all done. Classes
/// of the collection run one after another; each still gets its own database through <see cref="PostgresStorageFixture"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerLifetime>
{
    public const string Name = "postgres";
}
