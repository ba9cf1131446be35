using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>core/v1 nodes: Ready condition plus SchedulingDisabled, roles from node-role labels.</summary>
internal sealed class NodePrinter : ITablePrinter
{
    private const string _roleLabelPrefix = "node-role.kubernetes.io/";
    private const string _roleLabel = "kubernetes.io/role";

    private const string _addressesDescription =
        "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Status", "The status of the node"),
        CommonColumns.String("Roles", "The roles of the node"),
        CommonColumns.Age,
        CommonColumns.String("Version", "Kubelet Version reported by the node."),
        CommonColumns.String("Internal-IP", _addressesDescription, 1),
        CommonColumns.String("External-IP", _addressesDescription, 1),
        CommonColumns.String("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
        CommonColumns.String("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
        CommonColumns.String("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1),
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var status = obj.Prop("status");
        var nodeInfo = status.Prop("nodeInfo");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(Status(obj, status));
        writer.WriteStringValue(Roles(obj.Prop("metadata", "labels")));
        writer.WriteStringValue(Cells.Age(obj, now));
        writer.WriteStringValue(nodeInfo.Prop("kubeletVersion").Str());
        writer.WriteStringValue(Address(status, "InternalIP"));
        writer.WriteStringValue(Address(status, "ExternalIP"));
        writer.WriteStringValue(OrUnknown(nodeInfo.Prop("osImage").Str()));
        writer.WriteStringValue(OrUnknown(nodeInfo.Prop("kernelVersion").Str()));
        writer.WriteStringValue(OrUnknown(nodeInfo.Prop("containerRuntimeVersion").Str()));
    }

    private static string Status(JsonElement obj, JsonElement status)
    {
        string? ready = null;
        foreach (var condition in status.Prop("conditions").Items())
        {
            // A later duplicate wins, as in the printer's condition map.
            if (condition.Prop("type").Str() == "Ready")
            {
                ready = condition.Prop("status").Str() == "True" ? "Ready" : "NotReady";
            }
        }

        var text = ready ?? "Unknown";
        return obj.Prop("spec", "unschedulable").Bool() ? text + ",SchedulingDisabled" : text;
    }

    private static string Roles(JsonElement labels)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels.SortedStringMap())
        {
            if (key.StartsWith(_roleLabelPrefix, StringComparison.Ordinal))
            {
                if (key.Length > _roleLabelPrefix.Length)
                {
                    roles.Add(key[_roleLabelPrefix.Length..]);
                }
            }
            else if (key == _roleLabel && value.Length > 0)
            {
                roles.Add(value);
            }
        }

        return roles.Count == 0 ? Cells.None : string.Join(',', roles);
    }

    private static string Address(JsonElement status, string type)
    {
        foreach (var address in status.Prop("addresses").Items())
        {
            if (address.Prop("type").Str() == type)
            {
                return address.Prop("address").Str();
            }
        }

        return Cells.None;
    }

    private static string OrUnknown(string value) => value.Length == 0 ? Cells.Unknown : value;
}
