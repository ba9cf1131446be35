using System.Globalization;
using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>core/v1 endpoints: up to three ready addresses (with ports), then "+ N more...".</summary>
internal sealed class EndpointsPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Endpoints", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service."),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(Endpoints(obj.Prop("subsets")));
        writer.WriteStringValue(Cells.Age(obj, now));
    }

    private static string Endpoints(JsonElement subsets)
    {
        if (subsets.Length() == 0)
        {
            return Cells.None;
        }

        const int max = 3;
        var list = new List<string>();
        var more = false;
        var count = 0;
        foreach (var subset in subsets.Items())
        {
            var addresses = subset.Prop("addresses");
            if (subset.Prop("ports").Length() == 0)
            {
                count += addresses.Length();
                foreach (var address in addresses.Items())
                {
                    if (list.Count == max)
                    {
                        more = true;
                        break;
                    }

                    list.Add(address.Prop("ip").Str());
                }

                continue;
            }

            foreach (var port in subset.Prop("ports").Items())
            {
                count += addresses.Length();
                foreach (var address in addresses.Items())
                {
                    if (list.Count == max)
                    {
                        more = true;
                        break;
                    }

                    list.Add(HostPort(address.Prop("ip").Str(), port.Prop("port").Long()));
                }
            }
        }

        var joined = string.Join(',', list);
        return more ? $"{joined} + {count - max} more..." : joined;
    }

    /// <summary>net.JoinHostPort: IPv6 addresses in brackets.</summary>
    private static string HostPort(string ip, long port)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        return ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{portText}" : $"{ip}:{portText}";
    }
}
