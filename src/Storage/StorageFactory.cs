using Clusterpedia.Storage.Engine;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.Storage;

/// <summary>Opens a store without dependency injection: applies the schema, then hands out the storage interfaces.</summary>
public static class StorageFactory
{
    public static Task<StorageHandle> OpenAsync(StorageOptions options, CancellationToken cancellationToken) =>
        OpenAsync(options, TimeProvider.System, loggerFactory: null, cancellationToken);

    public static async Task<StorageHandle> OpenAsync(StorageOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        var engine = new StorageEngine(options, timeProvider, loggerFactory);
        try
        {
            await engine.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            return new StorageHandle(engine, options, loggerFactory);
        }
        catch
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
