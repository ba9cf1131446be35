using Clusterpedia.Storage.Tests.Fixtures;
using Npgsql;

namespace Clusterpedia.Storage.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>
{
    [Fact]
    public async Task Schema_AfterOpen_JsonbObjectGinIndexAndEveryMigrationRecorded()
    {
        await using var connection = new NpgsqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();

        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT data_type FROM information_schema.columns WHERE table_name = 'resources' AND column_name = 'object'")).ShouldBe("jsonb");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations")).ShouldBe("1,2,3,4");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_object'"))!.ShouldContain("gin");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_name_trgm'"))!.ShouldContain("gin_trgm_ops");
    }

    [Fact]
    public async Task ListAsync_LabelEquality_UsesContainmentServedByGin()
    {
        // The containment form is what the GIN index serves; check the plan can use it once sequential scans are off.
        await using var connection = new NpgsqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SET enable_seqscan = off; EXPLAIN SELECT id FROM resources r WHERE r.object @> '{"metadata":{"labels":{"app":"web"}}}'::jsonb""";
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        string.Join('\n', plan).ShouldContain("ix_resources_object");
    }
}
