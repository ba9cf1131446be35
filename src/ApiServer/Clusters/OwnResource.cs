using System.Text.Json.Nodes;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>
/// One resource of our own API (PediaCluster, ClusterSyncResources) as served in one group/version:
/// how it is named, stored (always in the storage version), converted, validated and printed.
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
    ITablePrinter Printer)
{
    public string ApiVersion => $"{Group}/{Version}";

    public string GroupResource => $"{Resource}.{Group}";
}
