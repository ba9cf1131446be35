using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>rbac.authorization.k8s.io/v1 rolebindings and clusterrolebindings.</summary>
internal sealed class RoleBindingPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _roleBindingColumns = ColumnsFor("roleBinding");
    private static readonly TableColumnDefinition[] _clusterRoleBindingColumns = ColumnsFor("clusterRoleBinding");

    private readonly bool _cluster;

    /// <param name="cluster">True for clusterrolebindings.</param>
    public RoleBindingPrinter(bool cluster)
    {
        _cluster = cluster;
    }

    public IReadOnlyList<TableColumnDefinition> Columns => _cluster ? _clusterRoleBindingColumns : _roleBindingColumns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var users = new List<string>();
        var groups = new List<string>();
        var serviceAccounts = new List<string>();
        foreach (var subject in obj.Prop("subjects").Items())
        {
            var name = subject.Prop("name").Str();
            switch (subject.Prop("kind").Str())
            {
                case "ServiceAccount":
                    serviceAccounts.Add($"{subject.Prop("namespace").Str()}/{name}");
                    break;
                case "User":
                    users.Add(name);
                    break;
                case "Group":
                    groups.Add(name);
                    break;
            }
        }

        var roleRef = obj.Prop("roleRef");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue($"{roleRef.Prop("kind").Str()}/{roleRef.Prop("name").Str()}");
        writer.WriteStringValue(Cells.Age(obj, now));
        writer.WriteStringValue(string.Join(", ", users));
        writer.WriteStringValue(string.Join(", ", groups));
        writer.WriteStringValue(string.Join(", ", serviceAccounts));
    }

    private static TableColumnDefinition[] ColumnsFor(string kind) =>
    [
        CommonColumns.Name,
        CommonColumns.String("Role", "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable."),
        CommonColumns.Age,
        CommonColumns.String("Users", $"Users in the {kind}", 1),
        CommonColumns.String("Groups", $"Groups in the {kind}", 1),
        CommonColumns.String("ServiceAccounts", $"ServiceAccounts in the {kind}", 1),
    ];
}
