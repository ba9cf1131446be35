using System.Data.Common;
using Clusterpedia.Storage.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace Clusterpedia.Storage.Tests;

/// <summary>What each engine's schema must have beyond the shared behaviour: WAL on SQLite, JSONB and GIN on PostgreSQL.</summary>
public sealed class SqliteSchemaTests(SqliteStorageFixture fixture) : IClassFixture<SqliteStorageFixture>
{
    [Fact]
    public async Task Schema_AfterOpen_WalModeAndEveryMigrationRecorded()
    {
        await using var connection = new SqliteConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();

        (await ScalarAsync(connection, "PRAGMA journal_mode")).ShouldBe("wal");
        (await ScalarAsync(connection, "SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY version)")).ShouldBe("1,2,3,4,5,6,7,8");
        (await ScalarAsync(connection, "SELECT group_concat(name) FROM (SELECT name FROM pragma_index_info('ux_resources_gvr_order') ORDER BY seqno)")).ShouldBe("group,version,resource,cluster,namespace,name");
        (await ScalarAsync(connection, "SELECT \"unique\" FROM pragma_index_list('resources') WHERE name = 'ux_resources_gvr_order'")).ShouldBe("1");
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('ux_resources_key', 'ix_resources_gvr_order')")).ShouldBe("0");
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('ix_resources_owner_uid', 'ix_resources_uid', 'ix_resources_gvr_created_at', 'ix_resources_owner_name', 'ix_resources_workload')")).ShouldBe("5");
        (await ScalarAsync(connection, "SELECT group_concat(name) FROM (SELECT name FROM pragma_index_info('ix_resources_owner_name') ORDER BY seqno)")).ShouldBe("name,namespace,cluster,resource,group");
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_resources_name'")).ShouldBe("0");
    }

    internal static async Task<string?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
