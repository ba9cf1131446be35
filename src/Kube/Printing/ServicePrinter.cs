using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>core/v1 services: External-IP by service type, Port(s) with node ports.</summary>
internal sealed class ServicePrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Type", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"),
        CommonColumns.String("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
        CommonColumns.String("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes."),
        CommonColumns.String("Port(s)", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
        CommonColumns.Age,
        CommonColumns.String("Selector", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. More info: https://kubernetes.io/docs/concepts/services-networking/service/", 1),
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(spec.Prop("type").Str());
        var clusterIp = Cells.None;
        foreach (var ip in spec.Prop("clusterIPs").Items())
        {
            clusterIp = ip.Str();
            break;
        }

        writer.WriteStringValue(clusterIp);
        writer.WriteStringValue(ExternalIp(obj, spec));
        var ports = Ports(spec);
        writer.WriteStringValue(ports.Length == 0 ? Cells.None : ports);
        writer.WriteStringValue(Cells.Age(obj, now));
        writer.WriteStringValue(Cells.FormatLabels(spec.Prop("selector")));
    }

    /// <summary>The load-balancer ingress points (IP, else hostname), de-duplicated and sorted.</summary>
    internal static List<string> LoadBalancerIngress(JsonElement loadBalancerStatus)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ingress in loadBalancerStatus.Prop("ingress").Items())
        {
            var ip = ingress.Prop("ip").Str();
            var hostname = ingress.Prop("hostname").Str();
            if (ip.Length > 0)
            {
                set.Add(ip);
            }
            else if (hostname.Length > 0)
            {
                set.Add(hostname);
            }
        }

        return [.. set];
    }

    private static string ExternalIp(JsonElement obj, JsonElement spec)
    {
        var externalIps = new List<string>();
        foreach (var ip in spec.Prop("externalIPs").Items())
        {
            externalIps.Add(ip.Str());
        }

        switch (spec.Prop("type").Str())
        {
            case "ClusterIP" or "NodePort":
                return externalIps.Count > 0 ? string.Join(',', externalIps) : Cells.None;
            case "LoadBalancer":
                var loadBalancer = LoadBalancerIngress(obj.Prop("status", "loadBalancer"));
                if (externalIps.Count > 0)
                {
                    return string.Join(',', loadBalancer.Concat(externalIps));
                }

                return loadBalancer.Count > 0 ? string.Join(',', loadBalancer) : "<pending>";
            case "ExternalName":
                return spec.Prop("externalName").Str();
            default:
                return Cells.Unknown;
        }
    }

    private static string Ports(JsonElement spec)
    {
        var builder = new StringBuilder();
        foreach (var port in spec.Prop("ports").Items())
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(port.Prop("port").Long().ToString(CultureInfo.InvariantCulture));
            var nodePort = port.Prop("nodePort").Long();
            if (nodePort > 0)
            {
                builder.Append(':').Append(nodePort.ToString(CultureInfo.InvariantCulture));
            }

            builder.Append('/').Append(port.Prop("protocol").Str());
        }

        return builder.ToString();
    }
}
