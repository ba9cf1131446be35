using Clusterpedia.Bench.EndToEnd;
using Clusterpedia.Kube;
using Npgsql;

namespace Clusterpedia.Bench.ScaleOut;

/// <summary>
/// The stored objects of the synced resources against the members' own stores, compared by cluster, resource, uid and
/// resourceVersion: what is missing, what is extra (or stale), and rows sharing a uid.
/// </summary>
internal static class StoredSet
{
    public static readonly GroupVersionResource[] Synced =
    [
        new("apps", "v1", "deployments"), new("apps", "v1", "replicasets"), new("", "v1", "pods"), new("", "v1", "services"),
        new("", "v1", "configmaps"),
    ];

    public static HashSet<string> Members(IEnumerable<MemberClient> members)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            foreach (var resource in Synced)
            {
                foreach (var item in member.Cluster.Store.List(resource))
                {
                    var metadata = item["metadata"]!;
                    keys.Add(Key(member.Cluster.Options.ClusterName, resource.Group, resource.Resource,
                        metadata["uid"]!.GetValue<string>(), metadata["resourceVersion"]!.GetValue<string>()));
                }
            }
        }

        return keys;
    }

    /// <summary>Compares the store with <paramref name="expected"/>: (missing, extra, duplicate uids, stored rows).</summary>
    public static async Task<(long Missing, long Extra, long Duplicates, long Stored)> CompareAsync(
        string connectionString, HashSet<string> expected, CancellationToken cancellationToken)
    {
        var stored = new HashSet<string>(StringComparer.Ordinal);
        var uids = new HashSet<string>(StringComparer.Ordinal);
        long rows = 0;
        long duplicates = 0;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT cluster, "group", resource, uid, resource_version FROM resources
            WHERE ("group", resource) IN (('apps', 'deployments'), ('apps', 'replicasets'), ('', 'pods'), ('', 'services'), ('', 'configmaps'))
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            var uid = reader.GetString(3);
            duplicates += uids.Add(reader.GetString(0) + "|" + uid) ? 0 : 1;
            stored.Add(Key(reader.GetString(0), reader.GetString(1), reader.GetString(2), uid, reader.GetString(4)));
        }

        var missing = expected.Count(k => !stored.Contains(k));
        var extra = stored.Count(k => !expected.Contains(k));
        return (missing, extra, duplicates, rows);
    }

    /// <summary>The holder of each cluster's lease, and whether it is unexpired by the database's clock.</summary>
    public static async Task<Dictionary<string, (string Holder, bool Live)>> LeasesAsync(string connectionString, CancellationToken cancellationToken)
    {
        var leases = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT cluster, holder, expires_at > clock_timestamp() FROM synchro_leases", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            leases[reader.GetString(0)] = (reader.GetString(1), reader.GetBoolean(2));
        }

        return leases;
    }

    private static string Key(string cluster, string group, string resource, string uid, string resourceVersion) =>
        string.Join('|', cluster, group, resource, uid, resourceVersion);
}
