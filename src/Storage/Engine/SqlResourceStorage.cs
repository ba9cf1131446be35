using System.Data.Common;
using System.Globalization;
using System.Text;
using Clusterpedia.Kube;
using Microsoft.EntityFrameworkCore;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// <see cref="IResourceStorage"/> over a SQL engine. Writes are raw parameterized SQL in one transaction that also
/// takes the revisions; reads by key go through EF Core; searches through <see cref="ListQueryBuilder"/>.
/// Deletes remove the row (no tombstone yet) and still advance the store revision, so a list's resourceVersion moves.
/// </summary>
internal sealed class SqlResourceStorage(StorageEngine engine) : IResourceStorage
{
    public async Task UpsertAsync(IReadOnlyList<ResourceRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        var distinct = LastPerKey(records);
        await WriteAsync(
            async (connection, transaction) =>
            {
                var first = await StorageEngine.ReserveRevisionsAsync(connection, transaction, distinct.Count, cancellationToken).ConfigureAwait(false);
                await engine.Dialect.UpsertAsync(connection, transaction, distinct, first, engine.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(IReadOnlyList<ResourceKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        await WriteAsync(
            async (connection, transaction) =>
            {
                await StorageEngine.ReserveRevisionsAsync(connection, transaction, 1, cancellationToken).ConfigureAwait(false);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    DELETE FROM resources WHERE cluster = @c AND "group" = @g AND version = @v AND resource = @r AND namespace = @ns AND name = @n
                    """;
                var parameters = new DbParameter[6];
                string[] names = ["@c", "@g", "@v", "@r", "@ns", "@n"];
                for (var i = 0; i < parameters.Length; i++)
                {
                    parameters[i] = command.CreateParameter();
                    parameters[i].ParameterName = names[i];
                    parameters[i].Value = "";
                    command.Parameters.Add(parameters[i]);
                }

                foreach (var key in keys)
                {
                    parameters[0].Value = key.Cluster;
                    parameters[1].Value = key.Group;
                    parameters[2].Value = key.Version;
                    parameters[3].Value = key.Resource;
                    parameters[4].Value = key.Namespace;
                    parameters[5].Value = key.Name;
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredResource?> GetAsync(ResourceKey key, CancellationToken cancellationToken)
    {
        var context = await engine.CreateContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var row = await context.Resources.AsNoTracking()
                .Where(r => r.Cluster == key.Cluster && r.Group == key.Group && r.Version == key.Version
                    && r.Resource == key.Resource && r.Namespace == key.Namespace && r.Name == key.Name)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return row is null
                ? null
                : new StoredResource
                {
                    Cluster = row.Cluster,
                    Group = row.Group,
                    Version = row.Version,
                    Resource = row.Resource,
                    Kind = row.Kind,
                    Namespace = row.Namespace,
                    Name = row.Name,
                    Uid = row.Uid,
                    ResourceVersion = row.ResourceVersion,
                    CreatedAt = row.CreatedAt,
                    Revision = row.Revision,
                    Object = Encoding.UTF8.GetBytes(row.Object),
                };
        }
    }

    public async Task<ResourceListResult> ListAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        // Validation happens here, before any connection is opened.
        var plan = ListQueryBuilder.Build(query, engine.Dialect);
        var connection = await engine.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await engine.Dialect.BeginReadTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var revision = await StorageEngine.ReadRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var items = new List<StoredResource>(plan.Limit is { } l ? Math.Min(l + 1, 1024) : 64);
                using (var command = plan.Statement.CreateCommand(connection, transaction))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            items.Add(Read(reader, query.OnlyMetadata));
                        }
                    }
                }

                var more = plan.Limit is { } limit && items.Count > limit;
                if (more)
                {
                    items.RemoveAt(items.Count - 1);
                }

                long? remaining = null;
                if (more && query.WithRemainingCount)
                {
                    using var count = plan.Statement.CreateCommand(connection, transaction, plan.CountText, plan.CountParameterCount);
                    var total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                    remaining = Math.Max(0, total - (plan.Offset ?? 0) - items.Count);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                string? next = null;
                if (more && query.WithContinue != false)
                {
                    next = plan.Offset is { } offset
                        ? (offset + items.Count).ToString(CultureInfo.InvariantCulture)
                        : ContinueToken.Encode(plan.Sort, items[^1]);
                }

                return new ResourceListResult { Items = items, Continue = next, RemainingItemCount = remaining, Revision = revision };
            }
        }
    }

    public async Task<IReadOnlyDictionary<(string Namespace, string Name), string>> GetResourceVersionsAsync(
        string cluster, GroupVersionResource resource, CancellationToken cancellationToken)
    {
        var context = await engine.CreateContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var rows = await context.Resources.AsNoTracking()
                .Where(r => r.Cluster == cluster && r.Group == resource.Group && r.Version == resource.Version && r.Resource == resource.Resource)
                .Select(r => new { r.Namespace, r.Name, r.ResourceVersion })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.ToDictionary(r => (r.Namespace, r.Name), r => r.ResourceVersion);
        }
    }

    public Task DeleteClusterAsync(string cluster, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"DELETE FROM resources WHERE cluster = {sql.Param(cluster)}");
        return ExecuteWriteAsync(sql, cancellationToken);
    }

    public Task DeleteClusterResourceAsync(string cluster, GroupVersionResource resource, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"DELETE FROM resources WHERE cluster = {sql.Param(cluster)} AND \"group\" = {sql.Param(resource.Group)} ")
            .Append($"AND version = {sql.Param(resource.Version)} AND resource = {sql.Param(resource.Resource)}");
        return ExecuteWriteAsync(sql, cancellationToken);
    }

    private StoredResource Read(DbDataReader reader, bool onlyMetadata)
    {
        ReadOnlyMemory<byte> obj = reader.GetFieldValue<byte[]>(11);
        return new StoredResource
        {
            Cluster = reader.GetString(0),
            Group = reader.GetString(1),
            Version = reader.GetString(2),
            Resource = reader.GetString(3),
            Kind = reader.GetString(4),
            Namespace = reader.GetString(5),
            Name = reader.GetString(6),
            Uid = reader.GetString(7),
            ResourceVersion = reader.GetString(8),
            CreatedAt = engine.Dialect.ReadTime(reader, 9),
            Revision = reader.GetInt64(10),
            Object = onlyMetadata ? MetadataProjection.Project(obj) : obj,
        };
    }

    private Task<bool> ExecuteWriteAsync(SqlStatement sql, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                await StorageEngine.ReserveRevisionsAsync(connection, transaction, 1, cancellationToken).ConfigureAwait(false);
                using var command = sql.CreateCommand(connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    private Task<bool> WriteAsync(Func<DbConnection, DbTransaction, Task> write, CancellationToken cancellationToken) =>
        engine.WriteAsync(
            async (connection, transaction) =>
            {
                await write(connection, transaction).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    private static IReadOnlyList<ResourceRecord> LastPerKey(IReadOnlyList<ResourceRecord> records)
    {
        // A statement may not touch the same row twice (PostgreSQL refuses it): the last record of a key wins.
        var index = new Dictionary<ResourceKey, int>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            index[records[i].Key] = i;
        }

        return index.Count == records.Count ? records : index.Values.Order().Select(i => records[i]).ToList();
    }
}
