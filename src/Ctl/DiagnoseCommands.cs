using System.Text;

namespace Clusterpedia.Ctl;

/// <summary>
/// <c>pediactl diagnose &lt;cluster&gt;</c>: the owner kinds not synced, with the platform guess, the syncResources to
/// add and the ClusterRole rules the member credentials need; <c>pediactl rbac &lt;cluster&gt;</c>: that ClusterRole as YAML.
/// </summary>
internal static class DiagnoseCommands
{
    private static readonly string[] _header = ["APIVERSION", "KIND", "PODS", "PLATFORM"];

    public static async Task<int> DiagnoseAsync(CtlConnection connection, string cluster, TextWriter stdout, CancellationToken ct)
    {
        using var client = await connection.ConnectAsync(ct).ConfigureAwait(false);
        var diagnosis = await OwnerDiagnosis.RunAsync(client, cluster, ct).ConfigureAwait(false);
        if (diagnosis.Missing.Count == 0)
        {
            await stdout.WriteLineAsync($"All {diagnosis.Pods} pods of cluster {cluster} have owners of synced kinds.").ConfigureAwait(false);
            return 0;
        }

        await stdout.WriteLineAsync($"Pods of cluster {cluster} whose owner kinds are not synced ({diagnosis.Pods} pods checked):").ConfigureAwait(false);
        var rows = new List<string[]> { _header };
        rows.AddRange(diagnosis.Missing.Select(m => new[] { m.ApiVersion, m.Kind, m.Pods.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Platform }));
        await TextTable.WriteAsync(stdout, rows).ConfigureAwait(false);

        var byGroup = diagnosis.ResourcesByGroup();
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"Add to spec.syncResources of PediaCluster {cluster}:");
        foreach (var (group, resources) in byGroup)
        {
            text.AppendLine($"  - group: {Quote(group)}");
            text.AppendLine($"    resources: [{string.Join(", ", resources)}]");
        }

        if (byGroup.TryGetValue("apps.kruise.io", out var kruise) && kruise.Contains("statefulsets"))
        {
            text.AppendLine("  # statefulsets is also a resource of group apps: keep group apps, resource statefulsets synced as well,");
            text.AppendLine("  # since both groups name their resource statefulsets.");
        }

        text.AppendLine();
        text.AppendLine($"The member credentials of {cluster} need these ClusterRole rules (pediactl rbac {cluster} prints the ClusterRole):");
        AppendRules(text, byGroup, "  ");
        await stdout.WriteAsync(text.ToString()).ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> RbacAsync(CtlConnection connection, string cluster, TextWriter stdout, CancellationToken ct)
    {
        using var client = await connection.ConnectAsync(ct).ConfigureAwait(false);
        var diagnosis = await OwnerDiagnosis.RunAsync(client, cluster, ct).ConfigureAwait(false);
        var text = new StringBuilder();
        text.AppendLine("apiVersion: rbac.authorization.k8s.io/v1");
        text.AppendLine("kind: ClusterRole");
        text.AppendLine("metadata:");
        text.AppendLine($"  name: clusterpedia-synchro-{cluster}-owners");
        var byGroup = diagnosis.ResourcesByGroup();
        if (byGroup.Count == 0)
        {
            text.AppendLine("rules: []");
        }
        else
        {
            text.AppendLine("rules:");
            AppendRules(text, byGroup, "");
        }

        await stdout.WriteAsync(text.ToString()).ConfigureAwait(false);
        return 0;
    }

    private static void AppendRules(StringBuilder text, SortedDictionary<string, SortedSet<string>> byGroup, string indent)
    {
        foreach (var (group, resources) in byGroup)
        {
            text.AppendLine($"{indent}- apiGroups:");
            text.AppendLine($"{indent}  - {Quote(group)}");
            text.AppendLine($"{indent}  resources:");
            foreach (var r in resources)
            {
                text.AppendLine($"{indent}  - {r}");
            }

            text.AppendLine($"{indent}  verbs:");
            text.AppendLine($"{indent}  - get");
            text.AppendLine($"{indent}  - list");
            text.AppendLine($"{indent}  - watch");
        }
    }

    private static string Quote(string group) => group.Length == 0 ? "\"\"" : group;
}
