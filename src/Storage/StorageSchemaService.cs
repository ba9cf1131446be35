using Clusterpedia.Storage.Engine;
using Microsoft.Extensions.Hosting;

namespace Clusterpedia.Storage;

/// <summary>Applies the schema when the host starts, before the hosted services registered after it use the store.</summary>
internal sealed class StorageSchemaService(StorageEngine engine) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => engine.EnsureSchemaAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
