using Clusterpedia.Storage.Engine;
using Clusterpedia.Storage.Tests.Fixtures;
using MySqlConnector;

namespace Clusterpedia.Storage.Tests;

/// <summary>What the mysql engine's schema must have beyond the shared behaviour, on the private MariaDB, and which servers it accepts.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class MySqlSchemaTests(MariaDbStorageFixture fixture) : IClassFixture<MariaDbStorageFixture>
{
    [Fact]
    public async Task Schema_AfterOpen_BinaryNoPadCollationLongtextObjectAndMigrationRecorded()
    {
        await using var connection = new MySqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();

        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT GROUP_CONCAT(version ORDER BY version) FROM schema_migrations")).ShouldBe("1,2,3,4,5,6,7,8,9,10,11");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT collation_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'resources' AND column_name = 'name'")).ShouldBe("utf8mb4_nopad_bin");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT data_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'resources' AND column_name = 'object'")).ShouldBe("longtext");
        (await SqliteSchemaTests.ScalarAsync(connection, """
            SELECT COUNT(DISTINCT index_name) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'resources'
              AND index_name IN ('ux_resources_key', 'ix_resources_gvr_order', 'ix_resources_gvr_namespace', 'ix_resources_gvr_cluster_name', 'ix_resources_owner_uid', 'ix_resources_owner_name', 'ix_resources_workload')
            """)).ShouldBe("7");
        (await SqliteSchemaTests.ScalarAsync(connection, """
            SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM information_schema.statistics
            WHERE table_schema = DATABASE() AND table_name = 'resources' AND index_name = 'ix_resources_owner_name'
            """)).ShouldBe("name,namespace,cluster,resource,group");
        (await SqliteSchemaTests.ScalarAsync(connection, """
            SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'resources' AND index_name = 'ix_resources_name'
            """)).ShouldBe("0");
    }

    [Fact]
    public async Task MigrateAsync_StepLongerThanTheConnectionsCommandTimeout_CompletesAndIsRecorded()
    {
        // A backfill of a large table outlasts a query timeout (migration 10: minutes at 1M objects); cut off, it rolled
        // back and the next start met it again. Here the step waits three seconds for a row another session holds,
        // on a connection whose statements time out after one.
        var server = await Clusterpedia.TestSupport.MariaDb.MariaDbServer.SharedAsync();
        var database = server.ConnectionString(await server.CreateDatabaseAsync("migrate"));
        await using var holder = new MySqlConnection(database);
        await holder.OpenAsync();
        await ExecuteAsync(holder, "CREATE TABLE held (id int NOT NULL PRIMARY KEY)");
        await ExecuteAsync(holder, "INSERT INTO held VALUES (1)");
        await using var hold = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, "SELECT id FROM held WHERE id = 1 FOR UPDATE", hold);

        var builder = new MySqlConnectionStringBuilder(database) { DefaultCommandTimeout = 1 };
        await using var dialect = new MySqlDialect(builder.ConnectionString);
        await using (await dialect.OpenConnectionAsync(CancellationToken.None))
        {
        }

        var step = new Clusterpedia.Storage.Schema.Migration(9001, "a step that waits three seconds", ["UPDATE held SET id = 1 WHERE id = 1"]);
        var migrate = new Clusterpedia.Storage.Schema.SchemaMigrator(dialect, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, [step])
            .MigrateAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await hold.CommitAsync();
        await migrate;

        (await SqliteSchemaTests.ScalarAsync(holder, "SELECT name FROM schema_migrations WHERE version = 9001")).ShouldBe("a step that waits three seconds");
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, MySqlTransaction? transaction = null)
    {
        await using var command = new MySqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Schema_AfterOpen_LabelsAndPhasePlainColumnsAndNameOrderIndexes()
    {
        await using var connection = new MySqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();

        // Written by the upsert (schema 8), no longer generated from the object on every write.
        (await SqliteSchemaTests.ScalarAsync(connection, """
            SELECT GROUP_CONCAT(CONCAT(table_name, '.', column_name, ':', IF(extra = '', 'plain', extra)) ORDER BY table_name, column_name)
            FROM information_schema.columns
            WHERE table_schema = DATABASE() AND table_name IN ('resources', 'resource_tombstones') AND column_name IN ('labels', 'phase')
            """)).ShouldBe("resources.labels:plain,resources.phase:plain,resource_tombstones.labels:plain,resource_tombstones.phase:plain");
        (await SqliteSchemaTests.ScalarAsync(connection, """
            SELECT GROUP_CONCAT(CONCAT(index_name, '.', column_name, IF(collation = 'D', ' desc', '')) ORDER BY index_name, seq_in_index)
            FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'resources'
              AND index_name IN ('ix_resources_gvr_name', 'ix_resources_gvr_name_desc') AND seq_in_index > 3
            """)).ShouldBe("ix_resources_gvr_name.name,ix_resources_gvr_name.cluster,ix_resources_gvr_name.namespace,ix_resources_gvr_name_desc.name desc,ix_resources_gvr_name_desc.cluster,ix_resources_gvr_name_desc.namespace");
    }

    [Fact]
    public async Task Upsert_PhaseLongerThanItsIndexedColumn_StoredWithPhaseColumnNull()
    {
        // A custom resource may carry any text in status.phase: the stored column must never refuse the row.
        var longPhase = new string('p', 200);
        var record = TestObjects.Pod("c", "ns", "long-phase", phase: longPhase, group: "phase.test");
        var nullPhase = TestObjects.Object("c", "phase.test", "v1", "pods", "Pod", "ns", "null-phase", body: o => o["status"] = new System.Text.Json.Nodes.JsonObject { ["phase"] = null });
        await fixture.Resources.UpsertAsync([record, nullPhase], CancellationToken.None);
        await using var connection = new MySqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();

        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT COUNT(*) FROM resources WHERE `group` = 'phase.test' AND phase IS NULL")).ShouldBe("2");
        (await fixture.Resources.GetAsync(record.Key, CancellationToken.None)).ShouldNotBeNull().Object.ToArray().ShouldBe(record.Object.ToArray());
    }

    [Fact]
    public async Task OpenAsync_SecondHandleAfterMigrations_SchemaLockReleased()
    {
        // The named lock is the session's, not the transaction's: left held by a pooled session that is not reset, it
        // would stall the next process's migrator.
        var options = fixture.Options;
        options.ConnectionString += ";Connection Reset=false";
        await using var again = await StorageFactory.OpenAsync(options, CancellationToken.None);
        (await again.Resources.GetClusterResourcesAsync("none", CancellationToken.None)).ShouldBeEmpty();
        await using var connection = new MySqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();

        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT IS_USED_LOCK('clusterpedia.schema')")).ShouldBe("");
    }

    [Fact]
    public async Task Upsert_ObjectWithUnsortedKeys_ReadBackByteForByte()
    {
        // MySQL 8's JSON type would re-order these keys; LONGTEXT keeps the document as written.
        var record = TestObjects.Object("c", "verbatim.test", "v1", "things", "Thing", "ns", "v", body: o => o["zeta"] = 1);
        await fixture.Resources.UpsertAsync([record], CancellationToken.None);

        var found = await fixture.Resources.GetAsync(record.Key, CancellationToken.None);

        found.ShouldNotBeNull();
        found.Object.ToArray().ShouldBe(record.Object.ToArray());
    }

    [Theory]
    [InlineData("10.11.19-MariaDB-0+deb12u1", true, "utf8mb4_nopad_bin")]
    [InlineData("11.4.2-MariaDB", true, "utf8mb4_nopad_bin")]
    [InlineData("8.0.36", false, "utf8mb4_0900_bin")]
    [InlineData("8.4.0-commercial", false, "utf8mb4_0900_bin")]
    public void Parse_SupportedServer_FlavourAndCollation(string version, bool mariaDb, string collation)
    {
        var server = MySqlServer.Parse(version);

        server.IsMariaDb.ShouldBe(mariaDb);
        server.Collation.ShouldBe(collation);
        server.Describe().ShouldContain(version);
    }

    [Theory]
    [InlineData("5.7.44")]
    [InlineData("10.5.22-MariaDB")]
    [InlineData("garbage")]
    public void Parse_TooOldServer_RefusedNamingTheMinimum(string version)
    {
        var e = Should.Throw<NotSupportedException>(() => MySqlServer.Parse(version));

        e.Message.ShouldContain("MySQL 8.0+ or MariaDB 10.6+");
    }
}
