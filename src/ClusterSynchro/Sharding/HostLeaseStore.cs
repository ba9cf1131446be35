using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Client;
using Clusterpedia.Storage;

namespace Clusterpedia.ClusterSynchro.Sharding;

/// <summary>
/// Hosted mode's cluster leases: <c>coordination.k8s.io/v1</c> Lease objects in the host cluster, one per PediaCluster
/// (<c>clusterpedia-synchro-&lt;cluster&gt;</c>), taken and renewed with optimistic concurrency on the Lease's
/// resourceVersion, as client-go's leader election does. The generation is <c>spec.leaseTransitions</c>; whenever this
/// replica takes a Lease it copies holder and generation into the database's lease row, where write batches are
/// fenced (the database cannot read the host). Heartbeats stay in the database.
/// </summary>
/// <remarks>
/// Expiry of another holder's Lease is judged as client-go does, by this process's clock from when it first saw the
/// Lease's current resourceVersion, never from the timestamps inside it: the host's and the replicas' clocks never matter.
/// </remarks>
internal sealed class HostLeaseStore(Func<CancellationToken, Task<KubeClient>> client, ISynchroLeaseStore database, string leaseNamespace, TimeProvider time)
    : ISynchroLeaseStore
{
    public const string NamePrefix = "clusterpedia-synchro-";
    public const string ClusterAnnotation = "clusterpedia.io/cluster";

    private readonly Dictionary<string, (string ResourceVersion, long SeenAt)> _observed = new(StringComparer.Ordinal);

    private string Collection => $"/apis/coordination.k8s.io/v1/namespaces/{leaseNamespace}/leases";

    /// <summary>The Lease's name: the cluster's, prefixed; a name too long for that is shortened with a hash.</summary>
    public static string LeaseName(string cluster)
    {
        var name = NamePrefix + cluster;
        if (name.Length <= 253)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cluster)))[..16];
        return $"{name[..(253 - 17)]}-{hash}";
    }

    public async Task<long?> TryAcquireAsync(string cluster, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        var kube = await client(cancellationToken).ConfigureAwait(false);
        var path = Collection + "/" + LeaseName(cluster);
        var lease = await GetAsync(kube, path, cancellationToken).ConfigureAwait(false);
        var now = Now();
        if (lease is null)
        {
            var created = new JsonObject
            {
                ["apiVersion"] = "coordination.k8s.io/v1",
                ["kind"] = "Lease",
                ["metadata"] = new JsonObject
                {
                    ["name"] = LeaseName(cluster),
                    ["namespace"] = leaseNamespace,
                    ["annotations"] = new JsonObject { [ClusterAnnotation] = cluster },
                },
                ["spec"] = Spec(holder, duration, now, acquired: true, transitions: 0),
            };
            if (!await WriteAsync(() => kube.PostRawAsync(Collection, JsonSerializer.SerializeToUtf8Bytes(created), cancellationToken)).ConfigureAwait(false))
            {
                return null;
            }

            await database.SetAsync(cluster, holder, 0, duration, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var spec = lease["spec"] as JsonObject ?? [];
        var current = Text(spec["holderIdentity"]);
        var transitions = Number(spec["leaseTransitions"]);
        if (current == holder)
        {
            lease["spec"] = Spec(holder, duration, now, acquired: false, transitions, spec);
            return await WriteAsync(() => kube.PutRawAsync(path, JsonSerializer.SerializeToUtf8Bytes(lease), cancellationToken)).ConfigureAwait(false)
                ? transitions
                : null;
        }

        if (current.Length > 0 && !Expired(cluster, lease, spec))
        {
            return null;
        }

        // Free or expired: take it with the next generation, then move the database's fence to it.
        lease["spec"] = Spec(holder, duration, now, acquired: true, transitions + 1);
        if (!await WriteAsync(() => kube.PutRawAsync(path, JsonSerializer.SerializeToUtf8Bytes(lease), cancellationToken)).ConfigureAwait(false))
        {
            return null;
        }

        await database.SetAsync(cluster, holder, transitions + 1, duration, cancellationToken).ConfigureAwait(false);
        return transitions + 1;
    }

    public async Task ReleaseAsync(string cluster, string holder, CancellationToken cancellationToken)
    {
        var kube = await client(cancellationToken).ConfigureAwait(false);
        var path = Collection + "/" + LeaseName(cluster);
        if (await GetAsync(kube, path, cancellationToken).ConfigureAwait(false) is not { } lease
            || lease["spec"] is not JsonObject spec || Text(spec["holderIdentity"]) != holder)
        {
            return;
        }

        // As client-go releases: no holder, so the next taker need not wait (and its take is a transition).
        spec["holderIdentity"] = "";
        spec["leaseDurationSeconds"] = 1;
        spec["renewTime"] = Now();
        await WriteAsync(() => kube.PutRawAsync(path, JsonSerializer.SerializeToUtf8Bytes(lease), cancellationToken)).ConfigureAwait(false);
    }

    public Task SetAsync(string cluster, string holder, long generation, TimeSpan duration, CancellationToken cancellationToken) =>
        database.SetAsync(cluster, holder, generation, duration, cancellationToken);

    public async Task<IReadOnlyList<SynchroLease>> ListAsync(CancellationToken cancellationToken)
    {
        var kube = await client(cancellationToken).ConfigureAwait(false);
        var leases = new List<SynchroLease>();
        if (JsonNode.Parse(await kube.GetRawAsync(Collection, cancellationToken).ConfigureAwait(false))?["items"] is not JsonArray items)
        {
            return leases;
        }

        foreach (var lease in items.OfType<JsonObject>())
        {
            if (Text(lease["metadata"]?["annotations"]?[ClusterAnnotation]) is { Length: > 0 } cluster && lease["spec"] is JsonObject spec)
            {
                var holder = Text(spec["holderIdentity"]);
                leases.Add(new SynchroLease(cluster, holder, Number(spec["leaseTransitions"]), holder.Length == 0 || Expired(cluster, lease, spec)));
            }
        }

        return leases;
    }

    public Task<IReadOnlyList<string>> HeartbeatAsync(string holder, string shardingName, TimeSpan duration, CancellationToken cancellationToken) =>
        database.HeartbeatAsync(holder, shardingName, duration, cancellationToken);

    public Task LeaveAsync(string holder, CancellationToken cancellationToken) => database.LeaveAsync(holder, cancellationToken);

    /// <summary>True when the Lease kept its resourceVersion longer than its duration, by this process's clock.</summary>
    private bool Expired(string cluster, JsonObject lease, JsonObject spec)
    {
        var version = Text(lease["metadata"]?["resourceVersion"]);
        var now = time.GetTimestamp();
        lock (_observed)
        {
            if (!_observed.TryGetValue(cluster, out var seen) || seen.ResourceVersion != version)
            {
                _observed[cluster] = (version, now);
                return false;
            }

            return time.GetElapsedTime(seen.SeenAt, now) > TimeSpan.FromSeconds(Math.Max(1, Number(spec["leaseDurationSeconds"])));
        }
    }

    private static JsonObject Spec(string holder, TimeSpan duration, string now, bool acquired, long transitions, JsonObject? previous = null) => new()
    {
        ["holderIdentity"] = holder,
        ["leaseDurationSeconds"] = (int)Math.Ceiling(duration.TotalSeconds),
        ["acquireTime"] = acquired ? now : previous?["acquireTime"]?.DeepClone() ?? now,
        ["renewTime"] = now,
        ["leaseTransitions"] = transitions,
    };

    /// <summary>A write that another replica's write beat (409 Conflict or AlreadyExists) is a lost race, not an error.</summary>
    private static async Task<bool> WriteAsync(Func<Task<byte[]>> write)
    {
        try
        {
            await write().ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (e.StatusCode is 409 or 404)
        {
            return false;
        }
    }

    private static async Task<JsonObject?> GetAsync(KubeClient kube, string path, CancellationToken ct)
    {
        try
        {
            return JsonNode.Parse(await kube.GetRawAsync(path, ct).ConfigureAwait(false)) as JsonObject;
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    // MicroTime, as Lease timestamps are written.
    private string Now() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private static long Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
}
