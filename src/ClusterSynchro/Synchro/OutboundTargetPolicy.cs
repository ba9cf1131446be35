using System.Net;
using System.Net.Sockets;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Which member apiserver addresses the synchro may connect to, so a PediaCluster cannot point the server (and the
/// spec's credentials) at the server's own machine, the cloud metadata endpoint or a network an operator has not
/// allowed: loopback (and unspecified) and link-local addresses are refused unless allowed by a setting, and with
/// <see cref="SynchroOptions.AllowedTargets"/> set only the listed host names and CIDRs are reachable. Checked once
/// before connecting (for a condition message that names the setting) and again on every connection, after DNS.
/// </summary>
internal sealed class OutboundTargetPolicy
{
    private readonly bool _allowLoopback;
    private readonly bool _allowLinkLocal;
    private readonly List<IPNetwork> _networks = [];
    private readonly List<string> _hosts = [];

    public OutboundTargetPolicy(SynchroOptions options)
    {
        _allowLoopback = options.AllowLoopbackTargets;
        _allowLinkLocal = options.AllowLinkLocalTargets;
        foreach (var entry in options.AllowedTargets.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                _networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                _networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                _hosts.Add(entry.ToLowerInvariant());
            }
        }
    }

    private bool Restricted => _networks.Count > 0 || _hosts.Count > 0;

    /// <summary>Checks <paramref name="server"/>'s host and what it resolves to; throws an <see cref="InvalidSpecException"/> naming the setting when refused.</summary>
    public async Task<Func<IPAddress, bool>> CheckAsync(string field, Uri server, CancellationToken ct)
    {
        var host = server.IdnHost.Trim('[', ']');
        var byName = !IPAddress.TryParse(host, out var literal) && MatchesHost(host.ToLowerInvariant());
        IPAddress[] addresses;
        if (literal is not null)
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // Unresolvable now: the connection reports it, and the per-connection check still applies.
                addresses = [];
            }
        }

        foreach (var address in addresses)
        {
            if (Refusal(address, byName) is { } why)
            {
                throw new InvalidSpecException($"{field}: the target {host} ({address}) is {why}");
            }
        }

        if (addresses.Length == 0 && Restricted && !byName)
        {
            throw new InvalidSpecException($"{field}: the target {host} is not in Synchro:AllowedTargets");
        }

        return address => Refusal(address, byName) is null;
    }

    private string? Refusal(IPAddress address, bool allowedByName)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IsLoopback(address) && !_allowLoopback)
        {
            return "a loopback address: loopback targets are refused unless the server runs with --Synchro:AllowLoopbackTargets=true";
        }

        if (IsLinkLocal(address) && !_allowLinkLocal)
        {
            return "a link-local address: link-local targets are refused unless the server runs with --Synchro:AllowLinkLocalTargets=true";
        }

        if (Restricted && !allowedByName && !_networks.Any(n => n.Contains(address)))
        {
            return "not in Synchro:AllowedTargets";
        }

        return null;
    }

    private bool MatchesHost(string host) =>
        _hosts.Any(h => h == host || (h.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(h[1..], StringComparison.Ordinal)));

    private static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static bool IsLinkLocal(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            return bytes[0] == 169 && bytes[1] == 254;
        }

        return address.IsIPv6LinkLocal;
    }
}
