namespace Clusterpedia.TestSupport.Postgres;

/// <summary>
/// A collection fixture that stops the shared <see cref="PostgresServer"/> when its collection is done. xunit wants
/// the [CollectionDefinition] in the test assembly itself, so each project declares one that names this fixture.
/// </summary>
public sealed class PostgresServerLifetime : IAsyncLifetime
{
    public async Task InitializeAsync() => await PostgresServer.SharedAsync();

    public Task DisposeAsync() => PostgresServer.StopSharedAsync();
}
