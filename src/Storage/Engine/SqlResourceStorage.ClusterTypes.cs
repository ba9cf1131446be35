using System.Data.Common;
using Clusterpedia.Kube;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// The types a cluster has rows of, and the removal of a whole cluster. On PostgreSQL and SQLite no index of resources
/// starts with the cluster (the unique key is type first, in the default order, so one index serves both): these walk
/// the distinct types in a type-first index, one seek per type, and seek each (type, cluster), so the work follows the
/// number of stored types, not rows. MySQL still has a cluster-first key; the same walk serves it.
/// </summary>
internal sealed partial class SqlResourceStorage
{
    public async Task<IReadOnlyList<GroupVersionResource>> GetClusterResourcesAsync(string cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var connection = await engine.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ClusterTypesAsync(connection, transaction: null, cluster, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task DeleteClusterAsync(string cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return ExecuteWriteAsync(
            async (connection, transaction) =>
            {
                // Inside the write: every write holds the revision row until it commits, so no type of the cluster
                // can be written between the walk and the deletes.
                foreach (var type in await ClusterTypesAsync(connection, transaction, cluster, cancellationToken).ConfigureAwait(false))
                {
                    using var command = ClusterResourceDelete(cluster, type).CreateCommand(connection, transaction);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task DeleteClusterResourceAsync(string cluster, GroupVersionResource resource, CancellationToken cancellationToken)
    {
        var delete = ClusterResourceDelete(cluster, resource);
        return ExecuteWriteAsync(
            async (connection, transaction) =>
            {
                using var command = delete.CreateCommand(connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>
    /// The statement of one step of the type walk: the first stored type after <paramref name="after"/> (the first of
    /// all without it), and whether <paramref name="cluster"/> has a row of it. No row: no type is left.
    /// </summary>
    internal static SqlStatement NextTypeStatement(string cluster, GroupVersionResource? after)
    {
        var sql = new SqlStatement();
        sql.Append("SELECT t.\"group\", t.version, t.resource, CASE WHEN EXISTS (SELECT 1 FROM resources x WHERE x.\"group\" = t.\"group\" ")
            .Append($"AND x.version = t.version AND x.resource = t.resource AND x.cluster = {sql.Param(cluster)}) THEN 1 ELSE 0 END FROM ")
            .Append("(SELECT \"group\", version, resource FROM resources");
        if (after is { } type)
        {
            // The redundant bound on the first column is what every engine's index seeks on (as in continue tokens).
            var group = sql.Param(type.Group);
            sql.Append($" WHERE \"group\" >= {group} AND (\"group\", version, resource) > ({group}, {sql.Param(type.Version)}, {sql.Param(type.Resource)})");
        }

        sql.Append(" ORDER BY \"group\", version, resource LIMIT 1) t");
        return sql;
    }

    private static async Task<List<GroupVersionResource>> ClusterTypesAsync(
        DbConnection connection, DbTransaction? transaction, string cluster, CancellationToken cancellationToken)
    {
        var types = new List<GroupVersionResource>();
        GroupVersionResource? after = null;
        while (true)
        {
            using var command = NextTypeStatement(cluster, after).CreateCommand(connection, transaction);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return types;
                }

                var type = new GroupVersionResource(reader.GetString(0), reader.GetString(1), reader.GetString(2));
                if (ReadInt64(reader, 3) > 0)
                {
                    types.Add(type);
                }

                after = type;
            }
        }
    }

    private SqlStatement ClusterResourceDelete(string cluster, GroupVersionResource resource)
    {
        var sql = new SqlStatement();
        sql.Append(engine.Dialect.DeleteResourcesText(
            $"\"group\" = {sql.Param(resource.Group)} AND version = {sql.Param(resource.Version)} AND resource = {sql.Param(resource.Resource)} AND cluster = {sql.Param(cluster)}"));
        return sql;
    }
}
