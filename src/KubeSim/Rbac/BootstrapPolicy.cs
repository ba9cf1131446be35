using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>
/// The default ClusterRoles, ClusterRoleBindings and namespaced Roles of a kubeadm cluster (upstream bootstrap data, see
/// Bootstrap/SOURCES.txt), written into the store at start like kube-apiserver's rbac/bootstrap-roles hook does.
/// </summary>
internal static class BootstrapPolicy
{
    public static int Create(SimulatorStore store)
    {
        var created = 0;
        foreach (var (file, gvr) in (ReadOnlySpan<(string, Kube.GroupVersionResource)>)[
            ("cluster-roles.json", RbacPolicy.ClusterRoles), ("cluster-role-bindings.json", RbacPolicy.ClusterRoleBindings),
            ("namespace-roles.json", RbacPolicy.Roles)])
        {
            foreach (var item in Items(file))
            {
                var metadata = (JsonObject)item["metadata"]!;
                metadata.Remove("creationTimestamp");
                item.Remove("apiVersion");
                item.Remove("kind");
                if (item["rules"] is null)
                {
                    // Aggregated roles start empty ("rules": null upstream); the aggregation controller fills them.
                    item["rules"] = new JsonArray();
                }

                // Namespaced items (kube-system/extension-apiserver-authentication-reader) name their namespace.
                store.Create(gvr, (string?)metadata["namespace"], item);
                created++;
            }
        }

        return created;
    }

    private static IEnumerable<JsonObject> Items(string file)
    {
        using var stream = typeof(BootstrapPolicy).Assembly.GetManifestResourceStream("Rbac." + file)
            ?? throw new InvalidOperationException($"Embedded RBAC bootstrap data {file} is missing.");
        var list = JsonNode.Parse(stream)!.AsObject();
        return list["items"]!.AsArray().Select(i => (JsonObject)i!.DeepClone());
    }
}
