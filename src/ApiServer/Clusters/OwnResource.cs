using System.Text.Json.Nodes;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>
/// One resource of our own API (PediaCluster, ClusterSyncResources) as served in one group/version:
/// how it is named, stored (always in the storage version), converted, validated and printed. <see cref="InDatabase"/>
/// kinds live in the database's own-object table in both modes (hosted mode keeps only PediaClusters in the host),
/// and are writable here in both.
/// </summary>
internal sealed record OwnResource(
    string Group,
    string Version,
    string Resource,
    string Kind,
    string SingularName,
    IReadOnlyList<string> ShortNames,
    string StorageKey,
    bool HasStatus,
    Func<JsonObject, JsonObject> ToStorage,
    Func<JsonObject, JsonObject> FromStorage,
    Action<JsonObject, List<string>> Validate,
    ITablePrinter Printer,
    bool InDatabase = false)
{
    public string ApiVersion => $"{Group}/{Version}";

    public string GroupResource => $"{Resource}.{Group}";
}
