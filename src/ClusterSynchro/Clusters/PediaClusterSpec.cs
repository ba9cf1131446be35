using System.Text.Json.Nodes;

namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// The parts of a PediaCluster (v1alpha2 form) the synchro acts on. Compared by value so the manager restarts a
/// cluster's synchro only when something it uses changed.
/// </summary>
public sealed record PediaClusterSpec
{
    public required string Name { get; init; }

    public string? ApiServer { get; init; }

    public string? Kubeconfig { get; init; }

    public string? CaData { get; init; }

    public string? TokenData { get; init; }

    public string? CertData { get; init; }

    public string? KeyData { get; init; }

    /// <summary><c>spec.authenticationFrom</c>: credentials in Secrets of the host cluster (hosted mode only).</summary>
    public AuthenticationFromSpec? AuthenticationFrom { get; init; }

    /// <summary>
    /// True once the Secrets of <see cref="AuthenticationFrom"/> were read into the credential fields above, or were
    /// found unusable (<see cref="AuthenticationError"/>); an unresolved reference cannot be connected with.
    /// </summary>
    public bool AuthenticationResolved { get; init; }

    /// <summary>Why <see cref="AuthenticationFrom"/> could not be resolved, naming the field; null when it was.</summary>
    public string? AuthenticationError { get; init; }

    public IReadOnlyList<SyncResourceSpec> SyncResources { get; init; } = [];

    public bool SyncAllCustomResources { get; init; }

    public string? SyncResourcesRefName { get; init; }

    /// <summary>Beyond Clusterpedia: namespaces whose objects are never synced (<c>spec.excludeNamespaces</c>).</summary>
    public IReadOnlyList<string> ExcludeNamespaces { get; init; } = [];

    /// <summary>Beyond Clusterpedia: resources never synced, whatever syncResources says (<c>spec.excludeResources</c>).</summary>
    public IReadOnlyList<ExcludeResourceSpec> ExcludeResources { get; init; } = [];

    /// <summary>
    /// Clusterpedia's <c>spec.shardingName</c>: only synchro replicas of this shard take the cluster (docs/scale-out.md).
    /// Not part of the fingerprints: a change moves the cluster between replicas rather than restarting its synchro.
    /// </summary>
    public string? ShardingName { get; init; }

    /// <summary>A stable fingerprint of everything above, for change detection.</summary>
    public string Fingerprint => string.Join('\u001e', ConnectionFingerprint, ResourcesFingerprint);

    /// <summary>What reaching the member cluster depends on: a change restarts the whole cluster synchro.</summary>
    public string ConnectionFingerprint =>
        string.Join('\u001f', Name, ApiServer, Kubeconfig, CaData, TokenData, CertData, KeyData,
            AuthenticationFrom?.Fingerprint, AuthenticationResolved, AuthenticationError);

    /// <summary>What choosing the resources depends on: a change re-resolves them and restarts only those affected.</summary>
    public string ResourcesFingerprint =>
        string.Join('\u001f', SyncAllCustomResources, SyncResourcesRefName,
            string.Join(';', SyncResources.Select(r => $"{r.Group}|{string.Join(',', r.Versions)}|{string.Join(',', r.Resources)}")),
            string.Join(',', ExcludeNamespaces),
            string.Join(';', ExcludeResources.Select(r => $"{r.Group}|{string.Join(',', r.Resources)}")));

    /// <summary>Reads a stored PediaCluster object (v1alpha2 JSON).</summary>
    public static PediaClusterSpec FromObject(JsonObject obj)
    {
        var name = JsonFields.Text(obj, "metadata", "name") ?? "";
        var spec = obj["spec"] as JsonObject ?? [];
        var sync = new List<SyncResourceSpec>();
        if (spec["syncResources"] is JsonArray items)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                sync.Add(new SyncResourceSpec(
                    JsonFields.Text(item["group"]) ?? "",
                    Strings(item["versions"]),
                    Strings(item["resources"])));
            }
        }

        var exclude = new List<ExcludeResourceSpec>();
        if (spec["excludeResources"] is JsonArray excluded)
        {
            foreach (var item in excluded.OfType<JsonObject>())
            {
                exclude.Add(new ExcludeResourceSpec(Str(item["group"]) ?? "", Strings(item["resources"])));
            }
        }

        return new PediaClusterSpec
        {
            Name = name,
            ApiServer = Str(spec["apiserver"]),
            Kubeconfig = Str(spec["kubeconfig"]),
            CaData = Str(spec["caData"]),
            TokenData = Str(spec["tokenData"]),
            CertData = Str(spec["certData"]),
            KeyData = Str(spec["keyData"]),
            AuthenticationFrom = AuthenticationFromSpec.FromNode(spec["authenticationFrom"]),
            SyncResources = sync,
            SyncAllCustomResources = spec["syncAllCustomResources"] is JsonValue all && all.TryGetValue<bool>(out var b) && b,
            SyncResourcesRefName = Str(spec["syncResourcesRefName"]),
            ExcludeNamespaces = [.. Strings(spec["excludeNamespaces"]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            ExcludeResources = exclude,
            ShardingName = Str(spec["shardingName"]),
        };
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray a ? [.. a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "").Where(s => s.Length > 0)] : [];
}
