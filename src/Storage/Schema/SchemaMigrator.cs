using System.Data.Common;
using Clusterpedia.Storage.Engine;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.Storage.Schema;

/// <summary>
/// Applies the engine's hand-written migrations that are not yet recorded in <c>schema_migrations</c>, each in its
/// own transaction under a lock, so several processes starting at once apply each step exactly once.
/// </summary>
/// <param name="dialect">The engine.</param>
/// <param name="logger">Where each applied step is logged.</param>
/// <param name="migrations">The steps, when not the engine's own (tests).</param>
internal sealed class SchemaMigrator(SqlDialect dialect, ILogger logger, IReadOnlyList<Migration>? migrations = null)
{
    private const string _createHistory =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)";

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var connection = await dialect.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await dialect.PrepareDatabaseAsync(connection, cancellationToken).ConfigureAwait(false);
            try
            {
                await ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await dialect.UnlockSchemaAsync(connection, CancellationToken.None).ConfigureAwait(false);
            }

            await dialect.AnalyzeAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        foreach (var migration in migrations ?? dialect.Migrations)
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await dialect.LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, _createHistory, cancellationToken).ConfigureAwait(false);
                if (await IsAppliedAsync(connection, transaction, migration.Version, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                foreach (var statement in migration.Statements)
                {
                    await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
                }

                var record = new SqlStatement();
                record.Append($"INSERT INTO schema_migrations (version, name) VALUES ({record.Param(migration.Version)}, {record.Param(migration.Name)})");
                using (var command = record.CreateCommand(connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Log.MigrationApplied(logger, dialect.Engine, migration.Version, migration.Name);
            }
        }
    }

    private static async Task<bool> IsAppliedAsync(DbConnection connection, DbTransaction transaction, int version, CancellationToken cancellationToken)
    {
        var sql = new SqlStatement();
        sql.Append($"SELECT COUNT(*) FROM schema_migrations WHERE version = {sql.Param(version)}");
        using var command = sql.CreateCommand(connection, transaction);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;

        // A step that rewrites or backfills a large table (MySQL's label rows: minutes at 1M objects) must not be cut
        // off by the connection string's timeout for queries: an aborted step rolls back and the next start meets it
        // again. Stopping the process (the cancellation token) still stops it.
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
