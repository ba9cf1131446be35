using System.Text;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// <see cref="IApiObjectStore"/> over the <c>api_objects</c> table. Each write takes a revision from the same global
/// counter as resources, so resourceVersions of our own objects only grow.
/// </summary>
internal sealed class SqlApiObjectStore(StorageEngine engine) : IApiObjectStore
{
    public event Action<string>? Changed;

    public async Task<ApiObject?> GetAsync(string resource, string name, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"SELECT r.resource, r.name, r.revision, {engine.Dialect.ObjectColumn} FROM api_objects r ")
            .Append($"WHERE r.resource = {sql.Param(resource)} AND r.name = {sql.Param(name)}");
        var found = await ReadAsync(sql, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<ApiObject>> ListAsync(string resource, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"SELECT r.resource, r.name, r.revision, {engine.Dialect.ObjectColumn} FROM api_objects r WHERE r.resource = {sql.Param(resource)}");
        var found = await ReadAsync(sql, cancellationToken).ConfigureAwait(false);

        // Ordered here rather than in SQL: names compare bytewise whatever the column's collation.
        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return found;
    }

    public async Task<ApiObject> CreateAsync(string resource, string name, ReadOnlyMemory<byte> obj, CancellationToken cancellationToken)
    {
        var json = Encoding.UTF8.GetString(obj.Span);
        var created = await engine.WriteAsync(
            async (connection, transaction) =>
            {
                var revision = await StorageEngine.ReserveRevisionsAsync(connection, transaction, 1, cancellationToken).ConfigureAwait(false);
                var sql = new SqlStatement();
                sql.Append($"INSERT INTO api_objects (resource, name, revision, object) VALUES ({sql.Param(resource)}, {sql.Param(name)}, ")
                    .Append($"{sql.Param(revision)}, {engine.Dialect.JsonValue(sql.Param(json))}) ON CONFLICT (resource, name) DO NOTHING");
                using var command = sql.CreateCommand(connection, transaction);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
                    ? revision
                    : throw new ApiObjectConflictException($"{resource} \"{name}\" already exists", alreadyExists: true);
            },
            cancellationToken).ConfigureAwait(false);
        Changed?.Invoke(resource);
        return new ApiObject(resource, name, created, obj);
    }

    public async Task<ApiObject> UpdateAsync(string resource, string name, ReadOnlyMemory<byte> obj, long? expectedRevision, CancellationToken cancellationToken)
    {
        var json = Encoding.UTF8.GetString(obj.Span);
        var updated = await engine.WriteAsync(
            async (connection, transaction) =>
            {
                var revision = await StorageEngine.ReserveRevisionsAsync(connection, transaction, 1, cancellationToken).ConfigureAwait(false);
                var sql = new SqlStatement();
                sql.Append($"UPDATE api_objects SET revision = {sql.Param(revision)}, object = {engine.Dialect.JsonValue(sql.Param(json))} ")
                    .Append($"WHERE resource = {sql.Param(resource)} AND name = {sql.Param(name)}");
                if (expectedRevision is { } expected)
                {
                    sql.Append($" AND revision = {sql.Param(expected)}");
                }

                using (var command = sql.CreateCommand(connection, transaction))
                {
                    if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                    {
                        return revision;
                    }
                }

                var exists = new SqlStatement();
                exists.Append($"SELECT COUNT(*) FROM api_objects WHERE resource = {exists.Param(resource)} AND name = {exists.Param(name)}");
                using var check = exists.CreateCommand(connection, transaction);
                var found = Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
                throw found
                    ? new ApiObjectConflictException(
                        $"Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                        alreadyExists: false)
                    : new ApiObjectNotFoundException($"{resource} \"{name}\" not found");
            },
            cancellationToken).ConfigureAwait(false);
        Changed?.Invoke(resource);
        return new ApiObject(resource, name, updated, obj);
    }

    public async Task<bool> DeleteAsync(string resource, string name, CancellationToken cancellationToken)
    {
        var deleted = await engine.WriteAsync(
            async (connection, transaction) =>
            {
                await StorageEngine.ReserveRevisionsAsync(connection, transaction, 1, cancellationToken).ConfigureAwait(false);
                var sql = new SqlStatement();
                sql.Append($"DELETE FROM api_objects WHERE resource = {sql.Param(resource)} AND name = {sql.Param(name)}");
                using var command = sql.CreateCommand(connection, transaction);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
            },
            cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            Changed?.Invoke(resource);
        }

        return deleted;
    }

    private Task<List<ApiObject>> ReadAsync(SqlStatement sql, CancellationToken cancellationToken) =>
        engine.QueryAsync(sql, r => new ApiObject(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetFieldValue<byte[]>(3)), cancellationToken);
}
