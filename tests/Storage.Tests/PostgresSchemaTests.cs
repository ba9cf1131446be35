using Clusterpedia.Storage.Tests.Fixtures;
using Npgsql;

namespace Clusterpedia.Storage.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>
{
    [Fact]
    public async Task Schema_AfterOpen_JsonObjectLabelsGinIndexAndEveryMigrationRecorded()
    {
        await using var connection = new NpgsqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();

        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT data_type FROM information_schema.columns WHERE table_name = 'resources' AND column_name = 'object'")).ShouldBe("json");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT data_type FROM information_schema.columns WHERE table_name = 'resource_tombstones' AND column_name = 'object'")).ShouldBe("json");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations")).ShouldBe("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_uid'"))!.ShouldContain("USING hash (uid)");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ux_resources_gvr_order'"))!.ShouldContain("CREATE UNIQUE INDEX ux_resources_gvr_order ON public.resources USING btree (\"group\", version, resource, cluster, namespace, name)");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM pg_indexes WHERE indexname IN ('ux_resources_key', 'ix_resources_gvr_order')")).ShouldBe("0");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'resources' AND column_name IN ('labels', 'phase') AND is_generated = 'NEVER'")).ShouldBe("2");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM pg_indexes WHERE tablename = 'resources' AND indexdef LIKE '%(revision)%'")).ShouldBe("0");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resource_revisions_revision'"))!.ShouldContain("(revision)");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'resources'")).ShouldBe("fillfactor=75");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_owner_name'"))!.ShouldContain("(name, namespace, cluster, resource, \"group\")");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_resources_name'")).ShouldBe("0");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_workload'"))!.ShouldContain("(workload_name, workload_kind, cluster, namespace) WHERE (workload_name IS NOT NULL)");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_namespace_labels'"))!.ShouldContain("gin (namespace, labels jsonb_path_ops)");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_resources_labels'")).ShouldBe("0");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_resources_object'")).ShouldBe("0");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_name_trgm'"))!.ShouldContain("gin_trgm_ops");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'resources'::regclass AND attname = 'object'")).ShouldBe("l");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_gvr_namespace'"))!.ShouldContain("(\"group\", version, resource, namespace, cluster, name)");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_gvr_cluster_name'"))!.ShouldContain("(\"group\", version, resource, cluster, name, namespace)");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'resource_tombstones' AND column_name IN ('labels', 'phase')")).ShouldBe("2");
        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_gvr_phase_unusual'"))!.ShouldContain("(\"group\", version, resource, phase, cluster, namespace, name) WHERE (phase <> 'Running'::text)");
    }

    [Fact]
    public async Task Upsert_PhaseColumn_CopiesStatusPhase()
    {
        var withPhase = TestObjects.Object("c", "phase.test", "v1", "things", "Thing", "ns", "p",
            body: o => o["status"] = new System.Text.Json.Nodes.JsonObject { ["phase"] = "Pending" });
        await fixture.Handle.Resources.UpsertAsync([withPhase], CancellationToken.None);
        await using var connection = new NpgsqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();

        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT phase FROM resources WHERE \"group\" = 'phase.test' AND name = 'p'")).ShouldBe("Pending");
    }

    [Fact]
    public async Task Upsert_LabelsColumn_CopiesMetadataLabels()
    {
        await fixture.Handle.Resources.UpsertAsync([TestObjects.Object("c", "labels.test", "v1", "things", "Thing", "ns", "x", new Dictionary<string, string> { ["app"] = "web" })], CancellationToken.None);
        await using var connection = new NpgsqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();

        (await SqliteSchemaTests.ScalarAsync(connection, "SELECT labels::text FROM resources WHERE \"group\" = 'labels.test' AND name = 'x'")).ShouldBe("""{"app": "web"}""");
    }

    [Fact]
    public async Task ListAsync_LabelEquality_UsesContainmentServedByGin()
    {
        // The containment form is what the GIN index serves; check the plan can use it once sequential scans are off.
        await using var connection = new NpgsqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SET enable_seqscan = off; EXPLAIN SELECT id FROM resources r WHERE r.labels @> '{"app":"web"}'::jsonb""";
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        string.Join('\n', plan).ShouldContain("ix_resources_namespace_labels");
    }
}
