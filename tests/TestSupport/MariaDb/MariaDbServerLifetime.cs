namespace Clusterpedia.TestSupport.MariaDb;

/// <summary>
/// A collection fixture that holds the shared <see cref="MariaDbServer"/> while its collection runs; the
/// server stops when the last collection holding it is done (collections of one assembly run in parallel). xunit wants
/// the [CollectionDefinition] in the test assembly itself, so each project declares one that names this fixture.
/// </summary>
public sealed class MariaDbServerLifetime : IAsyncLifetime
{
    public async Task InitializeAsync() => await MariaDbServer.AcquireSharedAsync();

    public Task DisposeAsync() => MariaDbServer.ReleaseSharedAsync();
}
