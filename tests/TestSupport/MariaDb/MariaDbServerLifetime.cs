namespace Clusterpedia.TestSupport.MariaDb;

/// <summary>
/// A collection fixture that stops the shared <see cref="MariaDbServer"/> when its collection is done. xunit wants
/// the [CollectionDefinition] in the test assembly itself, so each project declares one that names this fixture.
/// </summary>
public sealed class MariaDbServerLifetime : IAsyncLifetime
{
    public async Task InitializeAsync() => await MariaDbServer.SharedAsync();

    public Task DisposeAsync() => MariaDbServer.StopSharedAsync();
}
