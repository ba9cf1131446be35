using System.ComponentModel.DataAnnotations;

namespace Clusterpedia.Storage;

/// <summary>Which engine stores the resources and where. Bound from configuration (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string MySql = "mysql";

    /// <summary><c>sqlite</c> (embedded default), <c>postgres</c> or <c>mysql</c> (MySQL 8 or MariaDB 10.6+).</summary>
    /// <remarks>The allowed values are also read by the server's configuration check, which names them when a value is not one.</remarks>
    [AllowedValues(Sqlite, Postgres, MySql, "postgresql", "mariadb")]
    public string Engine { get; set; } = Sqlite;

    /// <summary>ADO.NET connection string of the engine.</summary>
    public string ConnectionString { get; set; } = "Data Source=clusterpedia.db";

    /// <summary>
    /// PostgreSQL hot standbys (streaming replicas of the primary in <see cref="ConnectionString"/>) that serve the API's
    /// reads: searches, gets and the watch change feed. Writes and the own-object store stay on the primary. Empty:
    /// every read goes to the primary. See docs/scale-out.md, "Read replicas".
    /// </summary>
    public IList<string> ReadConnectionStrings { get; } = [];

    /// <summary>
    /// How long a read waits for a standby to replay the revision it must not go below (a continue token's, a
    /// resourceVersion, the highest this process served) before the primary serves it and the standby is skipped.
    /// </summary>
    public TimeSpan ReadReplicaMaxWait { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a standby that was down or lagging is skipped (reads go to the primary) before it is tried again.</summary>
    public TimeSpan ReadReplicaRetryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long tombstones of deleted objects are kept for the change feed; older watches must relist.</summary>
    public TimeSpan TombstoneRetention { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How often a watch reads the change feed when nothing wakes it and the store has no LISTEN connection up (SQLite,
    /// MySQL, PostgreSQL while its LISTEN connection is down). Writes of the same process wake watches at once.
    /// </summary>
    public TimeSpan WatchPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The same fallback poll while the PostgreSQL LISTEN connection is up: other processes' commits wake watches
    /// through NOTIFY, so this poll only bounds the delay if a notification were lost.
    /// </summary>
    public TimeSpan ListeningWatchPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Custom collection resources: name → types, each <c>group</c>, <c>group/version</c>, <c>group/resource</c> or
    /// <c>group/version/resource</c> (core group: empty, e.g. <c>/pods</c>).
    /// </summary>
    public IDictionary<string, string[]> Collections { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal);
}
