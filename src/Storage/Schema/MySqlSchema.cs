namespace Clusterpedia.Storage.Schema;

/// <summary>
/// The MySQL/MariaDB schema, version by version. Objects are LONGTEXT checked with JSON_VALID rather than MySQL 8's
/// JSON type, which re-orders keys and would return a different document than the one written (MariaDB's JSON is this
/// same LONGTEXT). Identifying columns use the server's binary, no-pad collation (see <see cref="Engine.MySqlServer.Collation"/>), so
/// names compare and sort by code point as in Kubernetes and in PostgreSQL's "C" collation. VARCHAR widths keep each
/// index within InnoDB's 3072-byte key (4 bytes a character): a name longer than its column is refused by the server.
/// MySQL runs DDL outside transactions, and MySQL 8 knows no CREATE INDEX/ADD COLUMN IF NOT EXISTS: the indexes are
/// declared with their tables, so a step interrupted halfway is completed by running it again.
/// </summary>
internal static class MySqlSchema
{
    public static IReadOnlyList<Migration> Migrations(string collation) =>
    [
        new(1, "resources, api objects, tombstones and revision counters",
        [
            $"""
            CREATE TABLE IF NOT EXISTS resources (
                id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
                cluster varchar(128) NOT NULL,
                "group" varchar(128) NOT NULL,
                version varchar(64) NOT NULL,
                resource varchar(100) NOT NULL,
                kind varchar(253) NOT NULL,
                namespace varchar(63) NOT NULL,
                name varchar(253) NOT NULL,
                uid varchar(128) NOT NULL,
                owner_uid varchar(128) NULL,
                resource_version varchar(253) NOT NULL,
                created_at datetime(3) NOT NULL,
                synced_at datetime(3) NOT NULL,
                revision bigint NOT NULL,
                created_revision bigint NOT NULL DEFAULT 0,
                object longtext NOT NULL CHECK (JSON_VALID(object)),
                UNIQUE KEY ux_resources_key (cluster, "group", version, resource, namespace, name),
                KEY ix_resources_gvr_order ("group", version, resource, cluster, namespace, name),
                KEY ix_resources_gvr_namespace ("group", version, resource, namespace, cluster, name),
                KEY ix_resources_gvr_cluster_name ("group", version, resource, cluster, name, namespace),
                KEY ix_resources_gvr_name ("group", version, resource, name),
                KEY ix_resources_gvr_created_at ("group", version, resource, created_at),
                KEY ix_resources_uid (uid),
                KEY ix_resources_owner_uid (owner_uid),
                KEY ix_resources_revision (revision),
                KEY ix_resources_name (name)
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = {collation}
            """,
            $"""
            CREATE TABLE IF NOT EXISTS resource_tombstones (
                revision bigint NOT NULL PRIMARY KEY,
                cluster varchar(128) NOT NULL,
                "group" varchar(128) NOT NULL,
                version varchar(64) NOT NULL,
                resource varchar(100) NOT NULL,
                kind varchar(253) NOT NULL,
                namespace varchar(63) NOT NULL,
                name varchar(253) NOT NULL,
                uid varchar(128) NOT NULL,
                owner_uid varchar(128) NULL,
                resource_version varchar(253) NOT NULL,
                created_at datetime(3) NOT NULL,
                deleted_at datetime(3) NOT NULL,
                object longtext NOT NULL,
                KEY ix_resource_tombstones_deleted_at (deleted_at)
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = {collation}
            """,
            $"""
            CREATE TABLE IF NOT EXISTS api_objects (
                resource varchar(253) NOT NULL,
                name varchar(253) NOT NULL,
                revision bigint NOT NULL,
                created_revision bigint NOT NULL DEFAULT 0,
                object longtext NOT NULL CHECK (JSON_VALID(object)),
                PRIMARY KEY (resource, name)
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = {collation}
            """,
            $"""
            CREATE TABLE IF NOT EXISTS api_object_tombstones (
                revision bigint NOT NULL PRIMARY KEY,
                resource varchar(253) NOT NULL,
                name varchar(253) NOT NULL,
                deleted_at datetime(3) NOT NULL,
                object longtext NOT NULL,
                KEY ix_api_object_tombstones_resource (resource, revision)
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = {collation}
            """,
            $"""
            CREATE TABLE IF NOT EXISTS api_object_compaction (
                resource varchar(253) NOT NULL PRIMARY KEY,
                revision bigint NOT NULL
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = {collation}
            """,
            "CREATE TABLE IF NOT EXISTS storage_revision (id int NOT NULL PRIMARY KEY CHECK (id = 1), value bigint NOT NULL) ENGINE = InnoDB",
            "INSERT IGNORE INTO storage_revision (id, value) VALUES (1, 0)",
            "CREATE TABLE IF NOT EXISTS storage_compaction (id int NOT NULL PRIMARY KEY CHECK (id = 1), revision bigint NOT NULL) ENGINE = InnoDB",
            "INSERT IGNORE INTO storage_compaction (id, revision) VALUES (1, 0)",
        ]),

        // One ALTER per step: a DDL statement is atomic, so a step interrupted before its record is either not done
        // or done whole (MySQL 8 has no ADD COLUMN IF NOT EXISTS to make a half-done step rerunnable).
        new(2, "workload columns (resolved at sync) and their index",
        [
            // The index serves "the pods of workload X": the name is the selective part; kind, cluster and namespace
            // narrow within it, with or without a cluster or namespace given. 2,028 bytes: within InnoDB's 3,072.
            """
            ALTER TABLE resources
                ADD COLUMN workload_kind varchar(63) NULL,
                ADD COLUMN workload_name varchar(253) NULL,
                ADD COLUMN workload_follows_owner tinyint NOT NULL DEFAULT 0,
                ADD KEY ix_resources_workload (workload_name, workload_kind, cluster, namespace)
            """,
        ]),
        new(3, "workload columns on tombstones (watches filter both tables)",
        [
            "ALTER TABLE resource_tombstones ADD COLUMN workload_kind varchar(63) NULL, ADD COLUMN workload_name varchar(253) NULL",
        ]),

        // Each index here answers an S2 shape that at 1M rows walked or sorted far more rows than its page (the plans
        // and rows examined are in docs/benchmarks.md, "MySQL").
        new(4, "labels and phase as stored columns (label and phase filters without parsing the object); name-order indexes",
        [
            // A label selector parsed the whole ~5 KB object per candidate row (JSON_EXTRACT), ~90 % of the time of a
            // label search; the labels alone are a few hundred bytes. status.phase likewise, and as an index key part
            // it lets "phase X [in cluster/namespace Y]" walk straight to its rows in the default order. The phase
            // column holds what FieldText reads (NULL for JSON null); 128 bytes is what InnoDB's 3,072-byte key leaves
            // beside the order columns, so a longer phase (none of Kubernetes' own) is stored as NULL. Stored columns
            // rewrite the table once; the change feed filters tombstones with the same columns.
            """
            ALTER TABLE resources
                ADD COLUMN labels longtext AS (JSON_EXTRACT(object, '$.metadata.labels')) STORED,
                ADD COLUMN phase varbinary(128) AS (IF(JSON_TYPE(JSON_EXTRACT(object, '$.status.phase')) <> 'NULL'
                    AND LENGTH(JSON_UNQUOTE(JSON_EXTRACT(object, '$.status.phase'))) <= 128,
                    CAST(JSON_UNQUOTE(JSON_EXTRACT(object, '$.status.phase')) AS BINARY), NULL)) STORED,
                ADD KEY ix_resources_gvr_phase ("group", version, resource, phase, cluster, namespace, name)
            """,
            """
            ALTER TABLE resource_tombstones
                ADD COLUMN labels longtext AS (JSON_EXTRACT(object, '$.metadata.labels')) STORED,
                ADD COLUMN phase varbinary(128) AS (IF(JSON_TYPE(JSON_EXTRACT(object, '$.status.phase')) <> 'NULL'
                    AND LENGTH(JSON_UNQUOTE(JSON_EXTRACT(object, '$.status.phase'))) <= 128,
                    CAST(JSON_UNQUOTE(JSON_EXTRACT(object, '$.status.phase')) AS BINARY), NULL)) STORED
            """,

            // orderby=name across clusters sorts by (name, cluster, namespace): MySQL has no incremental sort, so
            // (gvr, name) alone left a filesort of every row of the type; with the tie-breakers in the index a page
            // is its first 100 entries. name DESC with cluster and namespace ascending needs its own descending index
            // (MySQL 8, MariaDB 10.8+; older MariaDB builds it ascending and sorts, as before).
            """
            ALTER TABLE resources
                DROP KEY ix_resources_gvr_name,
                ADD KEY ix_resources_gvr_name ("group", version, resource, name, cluster, namespace),
                ADD KEY ix_resources_gvr_name_desc ("group", version, resource, name DESC, cluster, namespace)
            """,
        ]),
        new(5, "synchro leases (holder, expiry and the fence generation per cluster) and live synchro replicas",
        [
            // Times are UTC (UTC_TIMESTAMP), the database clock.
            $"""
            CREATE TABLE IF NOT EXISTS synchro_leases (
                cluster varchar(128) NOT NULL PRIMARY KEY,
                holder varchar(253) NOT NULL,
                renewed_at datetime(3) NOT NULL,
                expires_at datetime(3) NOT NULL,
                generation bigint NOT NULL
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = {collation}
            """,
            $"""
            CREATE TABLE IF NOT EXISTS synchro_replicas (
                holder varchar(253) NOT NULL PRIMARY KEY,
                sharding_name varchar(253) NOT NULL,
                expires_at datetime(3) NOT NULL
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = {collation}
            """,
        ]),

        // Neither server can index the pairs of a JSON object (MySQL 8's multi-valued index is not in MariaDB), so a
        // label selector walked the order index reading rows until a page matched (up to 7,415 rows at 1M). One row
        // per label, written in the transaction of the resource's write (MySqlDialect.Labels.cs) and removed with it
        // by the cascade, lets `app=X` start from its matching rows. The type and namespace are copied from the
        // resource (never changing for an id: they are part of its key) so the pair index also narrows to "pods of
        // namespace N" before any resource row is read: the selector's condition equates them with the resource's,
        // and the optimizer carries the query's constants over. Keys and values are bytes (varbinary): labels are
        // ASCII and compare case-sensitively as in Kubernetes, and the pair part of the index stays at 380 bytes.
        new(6, "resource_labels: one row per label of a resource, indexed by (key, value, type, namespace)",
        [
            $"""
            CREATE TABLE IF NOT EXISTS resource_labels (
                resource_id bigint NOT NULL,
                label_key varbinary(317) NOT NULL,
                label_value varbinary(63) NULL,
                "group" varchar(128) NOT NULL,
                version varchar(64) NOT NULL,
                resource varchar(100) NOT NULL,
                namespace varchar(63) NOT NULL,
                PRIMARY KEY (resource_id, label_key),
                KEY ix_resource_labels_pair (label_key, label_value, "group", version, resource, namespace, resource_id),
                CONSTRAINT fk_resource_labels_resource FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = {collation}
            """,

            // The rows already stored, by the extraction the writes used then; rerunning it adds nothing.
            $"""
            INSERT INTO resource_labels (resource_id, label_key, label_value, "group", version, resource, namespace)
            SELECT r.id, CAST(k.label_key AS BINARY), {LabelValue("r", "k.label_key")}, r."group", r.version, r.resource, r.namespace
            FROM resources r, {LabelKeys("r")}
            WHERE {IsLabelKey("r")}
            ON DUPLICATE KEY UPDATE label_value = VALUES(label_value)
            """,
        ]),

        // The owner lookup (ownerName) knows the name, usually the namespace and cluster searched and the owner's
        // type, but no version: on the name alone it read every same-named row of every cluster and namespace. Name
        // stays first, so a lookup without a namespace or cluster still seeks by name (see PostgresSchema, step 10).
        // 2,688 bytes (name 1,012 + namespace 252 + cluster 512 + resource 400 + group 512): within InnoDB's 3,072.
        // One ALTER: atomic, the new index is there whenever the old one is gone.
        new(7, "owner-name index on (name, namespace, cluster, resource, group) instead of the name alone",
        [
            """
            ALTER TABLE resources
                DROP KEY ix_resources_name,
                ADD KEY ix_resources_owner_name (name, namespace, cluster, resource, "group")
            """,
        ]),

        // The generated labels and phase were computed on every write from the ~3.5 KB object: perf of MariaDB during
        // S4 (5,000 pod updates/s) put 44 % of its time in JSON_EXTRACT, evaluating them for the new row and again for
        // the duplicate row of each update. They become plain columns with the values they hold, written by the
        // upsert from one read of the object in .NET (StoredColumns), as on PostgreSQL (its step 12).
        new(8, "labels and phase written by the upsert instead of generated from the object",
        [
            "ALTER TABLE resources MODIFY COLUMN labels longtext NULL, MODIFY COLUMN phase varbinary(128) NULL",
            "ALTER TABLE resource_tombstones MODIFY COLUMN labels longtext NULL, MODIFY COLUMN phase varbinary(128) NULL",
        ]),

        // A selector across clusters (app=X,env=prod over every pod) read every label row of app=X (19,200 at 1M),
        // each one's resource by primary key, probed env=prod and sorted the matches: 500 ms a page. With the
        // resource's cluster and name beside its type and namespace, the pair index holds one label's entries in the
        // list's order (cluster, namespace, name), so a page walks them from its start or its continue token and stops
        // at its last row (MySqlDialect.Labels.cs). Three steps, each rerunnable or atomic: the columns (instant in
        // MariaDB), their values, then the index, built once on the filled rows. The name is bytes (varbinary, in the
        // order of the resources' binary collation for UTF-8) so the index stays within InnoDB's 3,072 bytes: 2,565.
        new(9, "resource_labels: the resource's cluster and name",
        [
            "ALTER TABLE resource_labels ADD COLUMN cluster varchar(128) NOT NULL DEFAULT '', ADD COLUMN name varbinary(253) NOT NULL DEFAULT ''",
        ]),
        new(10, "resource_labels: cluster and name of the rows already stored",
        [
            """
            UPDATE resource_labels l JOIN resources r ON r.id = l.resource_id
            SET l.cluster = r.cluster, l.name = CAST(r.name AS BINARY)
            WHERE l.cluster = '' AND l.name = ''
            """,
        ]),
        new(11, "resource_labels: the pair index in list order (key, value, type, cluster, namespace, name)",
        [
            """
            ALTER TABLE resource_labels
                DROP KEY ix_resource_labels_pair,
                ADD KEY ix_resource_labels_order (label_key, label_value, "group", version, resource, cluster, namespace, name)
            """,
        ]),
    ];

    /// <summary>The INSERT that <see cref="LabelRows"/> feeds.</summary>
    public const string InsertLabelRows = """INSERT INTO resource_labels (resource_id, label_key, label_value, "group", version, resource, namespace, cluster, name)""";

    /// <summary>
    /// The label rows of the resources <c>r</c> matching <paramref name="condition"/>: one per key of the stored
    /// labels column that is a valid label key (what a selector can name; it is then safe inside a JSON path), its
    /// value as <see cref="Engine.MySqlDialect.LabelText"/> reads it, NULL when that is an object, an array or longer
    /// than the 63 bytes Kubernetes allows (the key still exists; a selector on such a value reads the labels column).
    /// </summary>
    public static string LabelRows(string condition) => $"""
        SELECT r.id, CAST(k.label_key AS BINARY), {LabelValue("r", "k.label_key")}, r."group", r.version, r.resource, r.namespace,
               r.cluster, CAST(r.name AS BINARY)
        FROM resources r, {LabelKeys("r")}
        WHERE {IsLabelKey("r")} AND {condition}
        """;

    /// <summary>The keys of <paramref name="alias"/>.labels as the rows <c>k.label_key</c>.</summary>
    private static string LabelKeys(string alias) =>
        $"JSON_TABLE(JSON_KEYS({alias}.labels), '$[*]' COLUMNS (label_key varchar(1024) PATH '$')) k";

    /// <summary>Whether <paramref name="alias"/>.labels is an object and <c>k.label_key</c> a valid label key.</summary>
    private static string IsLabelKey(string alias) =>
        $"JSON_TYPE({alias}.labels) = 'OBJECT' AND CAST(k.label_key AS BINARY) REGEXP '^[-A-Za-z0-9_./]{{1,317}}$'";

    /// <summary>
    /// What resource_labels holds as the value of the label <paramref name="key"/> (a valid label key, so safe inside
    /// the JSON path) of <paramref name="alias"/>.labels: the text LabelText reads, or NULL for an object, an array or
    /// more than the 63 bytes Kubernetes allows.
    /// </summary>
    public static string LabelValue(string alias, string key) => $"""
        IF(JSON_TYPE(JSON_EXTRACT({alias}.labels, CONCAT('$."', {key}, '"'))) IN ('OBJECT', 'ARRAY')
                  OR LENGTH(CAST(JSON_UNQUOTE(JSON_EXTRACT({alias}.labels, CONCAT('$."', {key}, '"'))) AS BINARY)) > 63,
                  NULL, CAST(JSON_UNQUOTE(JSON_EXTRACT({alias}.labels, CONCAT('$."', {key}, '"'))) AS BINARY))
        """;
}
