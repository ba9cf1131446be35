using System.Text.Json.Nodes;
using static Clusterpedia.ClusterSynchro.Clusters.OpenApiSchemaNodes;

namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// The OpenAPI v3 schemas of our own kinds, with a description for every field: the one source of what a PediaCluster
/// and a ClusterSyncResources hold. The server serves them (/openapi/v3, kubectl explain, fieldValidation), and
/// <see cref="PediaClusterCrd"/> puts them into the CRDs, which a test keeps equal to crds/*.yaml. Each call returns
/// a new tree the caller may change.
/// </summary>
public static class PediaClusterSchema
{
    private const string _secretName = "Name of the Secret in the server's credential namespace.";
    private const string _secretKey = "Key of the Secret's data.";

    /// <summary>PediaCluster in cluster.clusterpedia.io/v1alpha2, the stored form.</summary>
    public static JsonObject V1Alpha2() => Obj(
        "PediaCluster names one member cluster to import into the search server: how to reach it and which of its resources to sync.",
        ("apiVersion", Str("APIVersion defines the versioned schema of this representation of an object: cluster.clusterpedia.io/v1alpha2.")),
        ("kind", Str("Kind is the REST resource this object represents: PediaCluster.")),
        ("metadata", Obj("Standard object metadata. The name is the cluster name used in searches (search.clusterpedia.io/clusters, resources/clusters/<name>).")),
        ("spec", Obj(
            "Which member cluster to import, how to authenticate to it, and which resources to sync.",
            ("apiserver", Str("URL of the member cluster's API server (https://host:port). Ignored when kubeconfig is set.")),
            ("kubeconfig", Str("A base64 kubeconfig; when set it wins over the other credentials. Its current context names the cluster and user.", "byte")),
            ("caData", Str("Base64 PEM CA bundle. Without it the server certificate is not verified.", "byte")),
            ("tokenData", Str("Base64 bearer token.", "byte")),
            ("certData", Str("Base64 PEM client certificate (with keyData).", "byte")),
            ("keyData", Str("Base64 PEM client key (with certData).", "byte")),
            ("authenticationFrom", AuthenticationFrom()),
            ("syncResources", Arr(
                "Resources to sync, by group. Resources the member does not serve are reported in status and skipped.",
                SyncResource(("eventsInvolvedResources", Strings("Accepted for compatibility with Clusterpedia; not used yet."))))),
            ("syncAllCustomResources", Bool("Sync every custom resource of the member (needs the server option Synchro:AllowSyncAllCustomResources).")),
            ("excludeNamespaces", Strings("Beyond Clusterpedia: namespaces whose objects are never synced (filtered by the member with a field selector where it can).")),
            ("excludeResources", Arr(
                "Beyond Clusterpedia: resources never synced, whatever syncResources says.",
                Obj(
                    null,
                    ("group", Str("API group; \"\" is the core group.")),
                    ("resources", Strings("Resources of the group; \"*\" means all of them."))).Require("group", "resources"))),
            ("syncResourcesRefName", Str("Name of a ClusterSyncResources whose syncResources are merged in.")),
            ("shardingName", Str("The synchro shard that takes this cluster (as in Clusterpedia): with sharding on, only synchro replicas started with this Synchro:Sharding:Name sync it; unset, replicas without a name do.")))),
        ("status", Status()));

    /// <summary>PediaCluster in the seed's clusters.clusterpedia.io/v1alpha1 form (converted by <see cref="PediaClusterConversion"/>).</summary>
    public static JsonObject V1Alpha1() => Obj(
        "PediaCluster in the clusters.clusterpedia.io/v1alpha1 form; stored as cluster.clusterpedia.io/v1alpha2.",
        ("apiVersion", Str("APIVersion of this representation: clusters.clusterpedia.io/v1alpha1.")),
        ("kind", Str("Kind is the REST resource this object represents: PediaCluster.")),
        ("metadata", Obj("Standard object metadata; the name is the cluster name used in searches.")),
        ("spec", Obj(
            "The member cluster to import and the resources to sync (the older form of cluster.clusterpedia.io/v1alpha2's spec).",
            ("apiserverURL", Str("URL of the member cluster's API server (spec.apiserver in v1alpha2).")),
            ("caData", Str("Base64 PEM CA bundle. Without it the server certificate is not verified.")),
            ("tokenData", Str("Base64 bearer token.")),
            ("certData", Str("Base64 PEM client certificate (with keyData).")),
            ("keyData", Str("Base64 PEM client key (with certData).")),
            ("authenticationFrom", AuthenticationFrom()),
            ("resources", Arr(
                "Resources to sync, by group (spec.syncResources in v1alpha2).",
                Obj(
                    null,
                    ("group", Str("API group; \"\" is the core group.")),
                    ("resources", Strings("Resources of the group to sync; \"*\" means all of them."))))))),
        ("status", Obj("What the server observed (the same status as cluster.clusterpedia.io/v1alpha2).").PreserveUnknownFields()));

    private static JsonObject AuthenticationFrom() => Obj(
        "Hosted mode: credentials in Secrets ({name, key}) of the server's credential namespace (default clusterpedia-system) in this cluster; they take precedence over the inline fields.",
        ("kubeconfig", SecretKeyRef("Secret key holding a kubeconfig (plain, not base64).")),
        ("ca", SecretKeyRef("Secret key holding the PEM CA bundle.")),
        ("token", SecretKeyRef("Secret key holding the bearer token.")),
        ("cert", SecretKeyRef("Secret key holding the PEM client certificate.")),
        ("key", SecretKeyRef("Secret key holding the PEM client key.")));

    /// <summary>ClusterSyncResources in cluster.clusterpedia.io/v1alpha2.</summary>
    public static JsonObject SyncResourcesV1Alpha2() => Obj(
        "ClusterSyncResources is a named, reusable list of resources to sync; PediaClusters include it with spec.syncResourcesRefName.",
        ("apiVersion", Str("APIVersion defines the versioned schema of this representation of an object: cluster.clusterpedia.io/v1alpha2.")),
        ("kind", Str("Kind is the REST resource this object represents: ClusterSyncResources.")),
        ("metadata", Obj("Standard object metadata; the name is what syncResourcesRefName refers to.")),
        ("spec", Obj(
            "The resources to sync in every PediaCluster that refers to this object.",
            ("syncResources", Arr(
                "Resources to sync, by group, merged into the syncResources of each referring PediaCluster.",
                SyncResource()))).Require("syncResources")));

    private static JsonObject SecretKeyRef(string description) =>
        Obj(description, ("name", Str(_secretName)), ("key", Str(_secretKey)));

    private static JsonObject SyncResource(params (string Name, JsonObject Schema)[] more) => Obj(
        null,
        [
            ("group", Str("API group; \"\" is the core group, \"*\" every group.")),
            ("versions", Strings("Versions to sync; empty means the preferred version.")),
            ("resources", Strings("Resources to sync; \"*\" means every resource of the group.")),
            .. more,
        ]).Require("group", "resources");

    private static JsonObject Status() => Obj(
        "What the server observed, written by the server only (the status subresource).",
        ("apiserver", Str("The API server URL in use.")),
        ("version", Str("The member's Kubernetes version (gitVersion of /version).")),
        ("conditions", Arr(
            "Validated, SynchroRunning, ClusterHealthy and Ready, as metav1.Condition.",
            Obj(
                null,
                ("type", Str("Validated, SynchroRunning, ClusterHealthy or Ready.")),
                ("status", Str("True, False or Unknown.")),
                ("reason", Str("A CamelCase reason for the last transition.")),
                ("message", Str("What happened, for people.")),
                ("lastTransitionTime", Str("When the status last changed.", "date-time"))))),
        ("syncResources", Arr(
            "Per group, the resources being synced and the state of each.",
            Obj(
                null,
                ("group", Str("API group; \"\" is the core group.")),
                ("resources", Arr(
                    "The resources of the group that are synced.",
                    Obj(
                        null,
                        ("name", Str("Resource (plural) name.")),
                        ("kind", Str("Kind of its objects.")),
                        ("namespaced", Bool("Whether its objects live in namespaces.")),
                        ("syncConditions", Arr(
                            "One entry per synced version.",
                            Obj(
                                null,
                                ("version", Str("Version listed and watched in the member.")),
                                ("storageVersion", Str("Version the objects are stored as.")),
                                ("status", Str("Pending, Syncing, Stop, Unknown or Error.")),
                                ("reason", Str("A CamelCase reason for the status.")),
                                ("message", Str("What happened, for people.")),
                                ("initialListPhase", Bool("True until the first complete list is stored.")),
                                ("objectCount", Int64("Objects of this resource stored for the cluster.")),
                                ("lastTransitionTime", Str("When the status last changed.", "date-time"))).PreserveUnknownFields()))).PreserveUnknownFields()))).PreserveUnknownFields()))).PreserveUnknownFields();
}
