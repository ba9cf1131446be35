using System.Data.Common;
using Clusterpedia.Storage.Schema;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// What differs between engines: connections, schema, the batched upsert and the SQL fragments of the search engine.
/// Fragments take values only through <see cref="SqlStatement.Param"/>; the SQL text they return is our own.
/// Another engine (MySQL, once a driver is available) plugs in here.
/// </summary>
internal abstract partial class SqlDialect : IAsyncDisposable
{
    private const string _keyCondition = """cluster = @c AND "group" = @g AND version = @v AND resource = @r AND namespace = @ns AND name = @n""";

    public abstract string Engine { get; }

    public abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>True when the engine has a single writer (SQLite): writes then queue in-process instead of retrying busy errors.</summary>
    public abstract bool SingleWriter { get; }

    /// <summary>
    /// Where the change feed finds live rows in revision order: the FROM clause (resources as <c>r</c>) and the
    /// revision column it orders by. Here the indexed revision column of resources itself.
    /// </summary>
    public virtual (string From, string Revision) LiveChangesFrom => ("resources r", "r.revision");

    /// <summary>A statement deleting the rows of resources matching <paramref name="where"/> (unaliased columns), with whatever hangs off them.</summary>
    public virtual string DeleteResourcesText(string where) => $"DELETE FROM resources WHERE {where}";

    /// <summary>
    /// True when the upsert itself gives a written row that follows its owner the stored owner's workload, so the
    /// followers' step after it is not needed (owners still hand theirs down after the statement).
    /// </summary>
    public virtual bool UpsertFollowsOwners => false;

    /// <summary>Selects the object as UTF-8 bytes.</summary>
    public abstract string ObjectColumn { get; }

    public abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Engine settings applied once before the migrations (SQLite: WAL), outside any transaction.</summary>
    public abstract Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Serializes concurrent migrators inside the migration transaction.</summary>
    public abstract Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Releases what <see cref="LockSchemaAsync"/> took beyond its transaction, once the migrations are done.</summary>
    public virtual Task UnlockSchemaAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract Task<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Columns beyond the common ones that a delete copies into resource_tombstones (", a, b"), where the engine stores them rather than computes them.</summary>
    protected virtual string TombstoneCopiedColumns => "";

    /// <summary>
    /// Rows of queued write batches combined into one transaction at most (group commit, <see cref="WriteCombiner"/>);
    /// a batch larger than this is still written whole.
    /// </summary>
    public virtual int MaxRowsPerWriteTransaction => WriteCombiner.DefaultMaxRowsPerTransaction;

    /// <summary>True when <see cref="ReserveAndUpsertAsync"/> takes a batch of this many rows.</summary>
    public virtual bool ReservesInUpsert(int rows) => false;

    /// <summary>
    /// Takes the revisions of a write transaction of one upsert batch and writes it, in one statement (what
    /// <see cref="ReserveRevisionsAsync"/> and <see cref="UpsertAsync"/> do in two); returns what UpsertAsync returns.
    /// Without <paramref name="transaction"/> the statement is the whole write and commits by itself.
    /// </summary>
    public virtual Task<long> ReserveAndUpsertAsync(
        DbConnection connection, DbTransaction? transaction, IReadOnlyList<ResourceRecord> records, DateTimeOffset syncedAt, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{Engine} takes revisions in a statement of their own");

    /// <summary>
    /// Writes the (distinct-keyed) records; record i gets revision <paramref name="firstRevision"/> + i. Returns the rows
    /// that count toward the planner statistics' schedule (<see cref="StorageEngine.NoteWrittenAsync"/>): the new keys
    /// where the engine tells them apart (PostgreSQL, SQLite), else every record.
    /// </summary>
    public abstract Task<long> UpsertAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<ResourceRecord> records,
        long firstRevision,
        DateTimeOffset syncedAt,
        CancellationToken cancellationToken);

    /// <summary>
    /// Moves the existing rows of the (distinct) keys to resource_tombstones and deletes them: the i-th row deleted,
    /// in key order, gets revision <paramref name="firstRevision"/> + i. Returns how many rows were deleted. This form
    /// runs two prepared statements per key (fine in-process, SQLite); engines with round trips override it.
    /// </summary>
    public virtual async Task<int> DeleteAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<ResourceKey> keys,
        long firstRevision,
        DateTimeOffset deletedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(keys);
        using var tombstone = connection.CreateCommand();
        tombstone.Transaction = transaction;
        tombstone.CommandText = $"""
            INSERT INTO resource_tombstones (revision, cluster, "group", version, resource, kind, namespace, name, uid,
                                             owner_uid, resource_version, created_at, deleted_at, object, workload_kind, workload_name{TombstoneCopiedColumns})
            SELECT @rev, cluster, "group", version, resource, kind, namespace, name, uid,
                   owner_uid, resource_version, created_at, @now, object, workload_kind, workload_name{TombstoneCopiedColumns}
            FROM resources WHERE {_keyCondition}
            """;
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = $"DELETE FROM resources WHERE {_keyCondition}";
        var tombstoneKey = KeyParameters(tombstone);
        var revision = AddParameter(tombstone, "@rev", 0L);
        AddParameter(tombstone, "@now", TimeValue(deletedAt));
        var deleteKey = KeyParameters(delete);
        tombstone.Prepare();
        delete.Prepare();
        var deleted = 0;
        foreach (var key in keys)
        {
            SetKey(tombstoneKey, key);
            revision.Value = firstRevision + deleted;
            if (await tombstone.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                continue;
            }

            SetKey(deleteKey, key);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            deleted++;
        }

        return deleted;
    }

    /// <summary>
    /// Gives rows of <paramref name="cluster"/> that follow their owner (workload_follows_owner) the workload that owner
    /// is stored with, where it has one and it differs: with <paramref name="followers"/> false, every row following one
    /// of the owners <paramref name="uids"/> (an owner just written hands its workload down); with it true, only the
    /// rows <paramref name="uids"/> themselves (followers just written take their owner's), so a churning pod costs an
    /// indexed lookup of itself and its owner, not of all its siblings. One statement per 500 uids; objects and
    /// revisions are untouched.
    /// </summary>
    public async Task FollowOwnersAsync(
        DbConnection connection, DbTransaction transaction, string cluster, IReadOnlyList<string> uids, bool followers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        for (var offset = 0; offset < uids.Count; offset += 500)
        {
            var sql = new SqlStatement();
            var chunk = uids.Skip(offset).Take(500).ToList();
            sql.Append(FollowOwnersText(sql, cluster, chunk, followers));
            using var command = sql.CreateCommand(connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The statement of <see cref="FollowOwnersAsync"/>: UPDATE ... FROM (PostgreSQL, SQLite 3.33+).</summary>
    protected virtual string FollowOwnersText(SqlStatement sql, string cluster, IReadOnlyList<string> uids, bool followers) => $"""
        UPDATE resources AS p SET workload_kind = o.workload_kind, workload_name = o.workload_name
        FROM resources AS o
        WHERE {(followers ? "p" : "o")}.cluster = {sql.Param(cluster)} AND {InList(sql, followers ? "p.uid" : "o.uid", uids, negate: false)} AND o.workload_kind IS NOT NULL
          AND p.cluster = o.cluster AND p.owner_uid = o.uid AND p.workload_follows_owner = TRUE
          AND (p.workload_kind IS DISTINCT FROM o.workload_kind OR p.workload_name IS DISTINCT FROM o.workload_name)
        """;

    /// <summary>Rewrites the workload columns of the rows of the keys (missing keys are ignored): one prepared statement per key.</summary>
    public static async Task UpdateWorkloadsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<WorkloadUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(updates);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"UPDATE resources SET workload_kind = @wk, workload_name = @wn, workload_follows_owner = @wf WHERE {_keyCondition} AND resource_version = @rv";
        var key = KeyParameters(command);
        var kind = AddParameter(command, "@wk", DBNull.Value);
        var name = AddParameter(command, "@wn", DBNull.Value);
        var follows = AddParameter(command, "@wf", false);
        var resourceVersion = AddParameter(command, "@rv", "");
        command.Prepare();
        foreach (var update in updates)
        {
            SetKey(key, update.Key);
            kind.Value = (object?)update.Workload.Kind ?? DBNull.Value;
            name.Value = (object?)update.Workload.Name ?? DBNull.Value;
            follows.Value = update.Workload.FollowsOwner;
            resourceVersion.Value = update.ResourceVersion;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes <paramref name="count"/> revisions inside the write transaction and returns the first. The counter row is
    /// locked until commit, so revisions become visible in increasing order (what a watch from a revision needs).
    /// </summary>
    public virtual Task<long> ReserveRevisionsAsync(DbConnection connection, DbTransaction transaction, long count, CancellationToken cancellationToken) =>
        StorageEngine.ReserveRevisionsReturningAsync(connection, transaction, count, cancellationToken);

    /// <summary>What the engine found out about its server at start (flavour, version, features on), if anything.</summary>
    public virtual string? ServerDescription => null;

    /// <summary>The keyword that makes a CTE evaluated once (owner levels), where the engine has one.</summary>
    public virtual string MaterializedCte => "MATERIALIZED ";

    /// <summary>Appended to an INSERT: a row whose key (<paramref name="keyColumns"/>) exists is left alone and not counted.</summary>
    public virtual string OnConflictDoNothing(string keyColumns) => $" ON CONFLICT ({keyColumns}) DO NOTHING";

    /// <summary>Appended to an INSERT: a row whose key exists gets <paramref name="column"/> of the inserted row instead.</summary>
    public virtual string OnConflictUpdate(string keyColumns, string column) => $" ON CONFLICT ({keyColumns}) DO UPDATE SET {column} = excluded.{column}";

    /// <summary>
    /// Refreshes planner statistics after many writes, where the engine does not do it itself (SQLite) or not soon
    /// enough (PostgreSQL's autovacuum, after a first sync).
    /// </summary>
    public virtual Task AnalyzeAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>True when <see cref="AnalyzeAsync"/> runs on a connection of its own beside the writes, not inside one.</summary>
    public virtual bool AnalyzesBesideWrites => false;

    /// <summary>
    /// Rows of <paramref name="alias"/> whose (cluster, owner_uid) is a (cluster, uid) of the CTE <paramref name="level"/>.
    /// </summary>
    public virtual string OwnedBy(string alias, string level) =>
        $"{alias}.owner_uid IS NOT NULL AND ({alias}.cluster, {alias}.owner_uid) IN (SELECT cluster, uid FROM {level})";

    /// <summary>
    /// Appended to <c>FROM resources r</c> of owner searches: the children of an owner are few, so the owner_uid
    /// index is always right, and SQLite's sampled statistics sometimes prefer scanning a cluster instead.
    /// </summary>
    public virtual string OwnerIndexHint => "";

    /// <summary>
    /// Whether the bounded remaining count reads a window of at most bound + skip rows of the page's index-served
    /// filters and tests the other filters (labels, fields, fuzzy name) on those rows only, instead of reading rows
    /// until it has found bound + skip matches. Without an index for those filters, a selective one makes the match
    /// bound read the whole range; the window leaves the count unknown when it fills.
    /// </summary>
    public virtual bool BoundsCountByRowsExamined => false;

    /// <summary>Whether a field selector on the path reads an indexed column (then an index serves it, in that count window too).</summary>
    public virtual bool IsIndexedField(IReadOnlyList<string> path) => false;

    /// <summary>
    /// One term for several <c>key=value</c> requirements on distinct keys, where the dialect has one the planner
    /// estimates as a whole (null: each requirement keeps its own term). Requirements on labels that go together (app
    /// and tier) are then not taken as independent, which made PostgreSQL underestimate them sevenfold and choose a
    /// bitmap scan and sort of a whole namespace over walking its order index.
    /// </summary>
    public virtual string? LabelsHaveAll(SqlStatement sql, IReadOnlyList<KeyValuePair<string, string>> pairs) => null;

    /// <summary>
    /// For a limited fuzzy-name page read by id first (<see cref="ReadsObjectsAfterTheSort"/>): how many matches are
    /// collected and sorted before the page falls back to walking the order; null: the page is one ordered query.
    /// </summary>
    public virtual int? FuzzyNameCandidateBound => null;

    /// <summary>
    /// Whether a limited page filtered by something no order index serves (fuzzy name, labels, fields) picks its rows
    /// by id first and reads their objects after: such a page is often found by a bitmap scan and sorted, and the engine
    /// would otherwise read (detoast) and convert the object of every candidate before the sort keeps a page of them.
    /// </summary>
    public virtual bool ReadsObjectsAfterTheSort => false;

    /// <summary>Appended to <c>FROM resources r</c> of a page of one type in the default order with no scope or index-served filter.</summary>
    public virtual string DefaultOrderIndexHint => "";

    /// <summary>The parameter value of a created_at/synced_at column.</summary>
    public abstract object TimeValue(DateTimeOffset value);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary><paramref name="expression"/> [NOT] IN the values.</summary>
    public abstract string InList(SqlStatement sql, string expression, IReadOnlyList<string> values, bool negate);

    /// <summary>Text of the scalar at the JSON path of the object (true/false/numbers as their JSON text), NULL when missing.</summary>
    public abstract string FieldText(SqlStatement sql, IReadOnlyList<string> path);

    /// <summary>Value of a label, NULL when missing.</summary>
    public abstract string LabelText(SqlStatement sql, string key);

    /// <summary>A condition true when the label has one of the values, if the engine has a faster form than comparing <see cref="LabelText"/>.</summary>
    public virtual string? LabelHasAnyValue(SqlStatement sql, string key, IReadOnlyList<string> values) => null;

    /// <summary>A condition true when the object has the label, if the engine has a faster form than <see cref="LabelText"/> IS NOT NULL.</summary>
    public virtual string? LabelExists(SqlStatement sql, string key) => null;

    /// <summary>
    /// Whether <see cref="LabelHasAnyValue"/> and <see cref="LabelExists"/> read a side table of resources, so the
    /// change feed (which runs the same terms on resource_tombstones) must compare <see cref="LabelText"/> instead.
    /// </summary>
    public virtual bool LabelFormsReadSideTable => false;

    /// <summary>
    /// The FROM of a page that walks one label pair's side-table rows <c>l</c> (columns label_key, label_value,
    /// group, version, resource, cluster, namespace, name; one row per key of a resource) joined to their resources
    /// <c>r</c>, read in the order of an index on (label_key, label_value, group, version, resource, cluster,
    /// namespace, name): the list's default order for one pair. Null: the engine has no such rows.
    /// </summary>
    public virtual string? LabelWalkFrom => null;

    /// <summary>The longest value (UTF-8 bytes) the walked rows hold; a longer one is not walked.</summary>
    public virtual int LabelWalkValueBytes => 0;

    /// <summary>The integer a text expression spells, NULL when it is not an integer.</summary>
    public abstract string IntegerOrNull(string textExpression);

    /// <summary>A JSON document bound as text, as the object column's type.</summary>
    public abstract string JsonValue(string placeholder);

    /// <summary>Case-sensitive substring test.</summary>
    public abstract string ContainsText(SqlStatement sql, string expression, string substring);

    public abstract ValueTask DisposeAsync();

    /// <summary>Adds a named parameter to a command and returns it (to set its value again per row).</summary>
    internal static DbParameter AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static DbParameter[] KeyParameters(DbCommand command) =>
        Array.ConvertAll(["@c", "@g", "@v", "@r", "@ns", "@n"], name => AddParameter(command, name, ""));

    private static void SetKey(DbParameter[] parameters, ResourceKey key)
    {
        parameters[0].Value = key.Cluster;
        parameters[1].Value = key.Group;
        parameters[2].Value = key.Version;
        parameters[3].Value = key.Resource;
        parameters[4].Value = key.Namespace;
        parameters[5].Value = key.Name;
    }
}
