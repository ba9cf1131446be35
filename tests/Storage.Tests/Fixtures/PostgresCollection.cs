namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>
/// The PostgreSQL test classes share one server: this collection's fixture stops it once they are all done. Classes
/// of the collection run one after another; each still gets its own database through <see cref="PostgresStorageFixture"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCollection.ServerLifetime>
{
    public const string Name = "postgres";

    public sealed class ServerLifetime : IAsyncLifetime
    {
        public async Task InitializeAsync() => await PostgresServer.SharedAsync();

        public Task DisposeAsync() => PostgresServer.StopSharedAsync();
    }
}
