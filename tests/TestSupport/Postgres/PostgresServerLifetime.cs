namespace Clusterpedia.TestSupport.Postgres;

/// <summary>
/// A collection fixture that holds the shared <see cref="PostgresServer"/> while its collection runs; the
/// server stops when the last collection holding it is done (collections of one assembly run in parallel). xunit wants
/// the [CollectionDefinition] in the test assembly itself, so each project declares one that names this fixture.
/// </summary>
public sealed class PostgresServerLifetime : IAsyncLifetime
{
    public async Task InitializeAsync() => await PostgresServer.AcquireSharedAsync();

    public Task DisposeAsync() => PostgresServer.ReleaseSharedAsync();
}
