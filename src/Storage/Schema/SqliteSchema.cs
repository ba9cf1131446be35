namespace Clusterpedia.Storage.Schema;

/// <summary>
/// The SQLite schema, version by version. created_at and synced_at are unix milliseconds (INTEGER) so they order and
/// compare natively; object is TEXT (UTF-8 JSON) so the json_* functions read it.
/// </summary>
internal static class SqliteSchema
{
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "resources and api objects",
        [
            """
            CREATE TABLE IF NOT EXISTS resources (
                id INTEGER PRIMARY KEY,
                cluster TEXT NOT NULL,
                "group" TEXT NOT NULL,
                version TEXT NOT NULL,
                resource TEXT NOT NULL,
                kind TEXT NOT NULL,
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                uid TEXT NOT NULL,
                owner_uid TEXT NULL,
                resource_version TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                synced_at INTEGER NOT NULL,
                revision INTEGER NOT NULL,
                object TEXT NOT NULL)
            """,
            """CREATE UNIQUE INDEX IF NOT EXISTS ux_resources_key ON resources (cluster, "group", version, resource, namespace, name)""",
            """CREATE INDEX IF NOT EXISTS ix_resources_gvr_order ON resources ("group", version, resource, cluster, namespace, name)""",
            """CREATE INDEX IF NOT EXISTS ix_resources_gvr_name ON resources ("group", version, resource, name)""",
            """CREATE INDEX IF NOT EXISTS ix_resources_gvr_created_at ON resources ("group", version, resource, created_at)""",
            "CREATE INDEX IF NOT EXISTS ix_resources_uid ON resources (uid)",
            "CREATE INDEX IF NOT EXISTS ix_resources_owner_uid ON resources (owner_uid) WHERE owner_uid IS NOT NULL",
            "CREATE INDEX IF NOT EXISTS ix_resources_revision ON resources (revision)",
            """
            CREATE TABLE IF NOT EXISTS api_objects (
                resource TEXT NOT NULL,
                name TEXT NOT NULL,
                revision INTEGER NOT NULL,
                object TEXT NOT NULL,
                PRIMARY KEY (resource, name))
            """,
            "CREATE TABLE IF NOT EXISTS storage_revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
            "INSERT INTO storage_revision (id, value) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
        ]),
        new(2, "tombstones of deleted resources for the change feed",
        [
            """
            CREATE TABLE IF NOT EXISTS resource_tombstones (
                revision INTEGER PRIMARY KEY,
                cluster TEXT NOT NULL,
                "group" TEXT NOT NULL,
                version TEXT NOT NULL,
                resource TEXT NOT NULL,
                kind TEXT NOT NULL,
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                uid TEXT NOT NULL,
                owner_uid TEXT NULL,
                resource_version TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                deleted_at INTEGER NOT NULL,
                object TEXT NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS ix_resource_tombstones_deleted_at ON resource_tombstones (deleted_at)",
            "CREATE TABLE IF NOT EXISTS storage_compaction (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL)",
            "INSERT INTO storage_compaction (id, revision) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
        ]),
        new(3, "name index for owner-name lookups, which know no version",
        [
            "CREATE INDEX IF NOT EXISTS ix_resources_name ON resources (name)",
        ]),
        new(4, "creation revisions (a watch tells ADDED from MODIFIED); tombstones of our own objects for their watch",
        [
            // Rows from before this step count as created at revision 0: watches see them as MODIFIED, as before.
            "ALTER TABLE resources ADD COLUMN created_revision INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE api_objects ADD COLUMN created_revision INTEGER NOT NULL DEFAULT 0",
            """
            CREATE TABLE IF NOT EXISTS api_object_tombstones (
                revision INTEGER PRIMARY KEY,
                resource TEXT NOT NULL,
                name TEXT NOT NULL,
                deleted_at INTEGER NOT NULL,
                object TEXT NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS ix_api_object_tombstones_resource ON api_object_tombstones (resource, revision)",
            "CREATE TABLE IF NOT EXISTS api_object_compaction (resource TEXT PRIMARY KEY, revision INTEGER NOT NULL)",
        ]),
        new(5, "workload columns (resolved at sync) and their index; on tombstones too (watches filter both tables)",
        [
            // NULL for objects without a workload: the index below leaves them out.
            "ALTER TABLE resources ADD COLUMN workload_kind TEXT NULL",
            "ALTER TABLE resources ADD COLUMN workload_name TEXT NULL",
            "ALTER TABLE resources ADD COLUMN workload_follows_owner INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE resource_tombstones ADD COLUMN workload_kind TEXT NULL",
            "ALTER TABLE resource_tombstones ADD COLUMN workload_name TEXT NULL",

            // "The pods of workload X": the name is the selective part; kind, cluster and namespace narrow within it,
            // so one index serves the keys with or without a cluster or namespace.
            "CREATE INDEX IF NOT EXISTS ix_resources_workload ON resources (workload_name, workload_kind, cluster, namespace) WHERE workload_name IS NOT NULL",
        ]),
        new(6, "synchro leases (holder, expiry and the fence generation per cluster) and live synchro replicas",
        [
            // Times are unix milliseconds of the database clock (see SqlDialect.LeaseClock).
            """
            CREATE TABLE IF NOT EXISTS synchro_leases (
                cluster TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                renewed_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                generation INTEGER NOT NULL)
            """,
            "CREATE TABLE IF NOT EXISTS synchro_replicas (holder TEXT PRIMARY KEY, sharding_name TEXT NOT NULL, expires_at INTEGER NOT NULL)",
        ]),

        // The owner lookup (ownerName) knows the name, usually the namespace and cluster searched and the owner's
        // type, but no version: on the name alone it read every same-named row of every cluster and namespace. Name
        // stays first, so a lookup without a namespace or cluster still seeks by name (see PostgresSchema, step 10).
        new(7, "owner-name index on (name, namespace, cluster, resource, group) instead of the name alone",
        [
            """CREATE INDEX IF NOT EXISTS ix_resources_owner_name ON resources (name, namespace, cluster, resource, "group")""",
            "DROP INDEX IF EXISTS ix_resources_name",
        ]),

        // One unique key in the default order instead of a cluster-first key beside an order index of the same six
        // columns: each write updated both (see PostgresSchema, step 13). SQLite matches an ON CONFLICT target to a
        // unique index by its set of columns, whatever their order.
        new(8, "one unique key in the default order (type, cluster, namespace, name) instead of a cluster-first key beside it",
        [
            """CREATE UNIQUE INDEX IF NOT EXISTS ux_resources_gvr_order ON resources ("group", version, resource, cluster, namespace, name)""",
            "DROP INDEX IF EXISTS ux_resources_key",
            "DROP INDEX IF EXISTS ix_resources_gvr_order",
        ]),
    ];
}
