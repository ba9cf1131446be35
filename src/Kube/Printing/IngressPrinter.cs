using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>networking.k8s.io/v1 ingresses.</summary>
internal sealed class IngressPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Class", "The name of the IngressClass resource that should be used for additional configuration"),
        CommonColumns.String("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
        CommonColumns.String("Address", "Address is a list containing ingress points for the load-balancer"),
        CommonColumns.String("Ports", "Ports of TLS configurations that open"),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        writer.WriteStringValue(Cells.Name(obj));
        var className = spec.Prop("ingressClassName");
        writer.WriteStringValue(className.ValueKind == JsonValueKind.String ? className.Str() : Cells.None);
        writer.WriteStringValue(Hosts(spec.Prop("rules")));
        writer.WriteStringValue(string.Join(',', ServicePrinter.LoadBalancerIngress(obj.Prop("status", "loadBalancer"))));
        writer.WriteStringValue(spec.Prop("tls").Length() > 0 ? "80, 443" : "80");
        writer.WriteStringValue(Cells.Age(obj, now));
    }

    private static string Hosts(JsonElement rules)
    {
        const int max = 3;
        var hosts = new List<string>();
        var more = false;
        foreach (var rule in rules.Items())
        {
            if (hosts.Count == max)
            {
                // Go's formatHosts only notices "more" once three hosts are listed.
                more = true;
                break;
            }

            var host = rule.Prop("host").Str();
            if (host.Length > 0)
            {
                hosts.Add(host);
            }
        }

        if (hosts.Count == 0)
        {
            return "*";
        }

        var joined = string.Join(',', hosts);
        return more ? $"{joined} + {rules.Length() - max} more..." : joined;
    }
}
