using System.Data.Common;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// The rows of one list statement read as the caller asks for them: the connection, command and reader stay open until
/// disposal. The first row was read already (it carries the revision).
/// </summary>
internal sealed class SqlListReader(
    DbConnection connection, DbCommand command, DbDataReader reader, StoredResource first, long revision, Func<DbDataReader, StoredResource> read)
    : ResourceListReader
{
    private StoredResource? _first = first;

    public override long Revision => revision;

    public override async ValueTask<StoredResource?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_first is { } item)
        {
            _first = null;
            return item;
        }

        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? read(reader) : null;
    }

    public override async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync().ConfigureAwait(false);
        command.Dispose();
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
