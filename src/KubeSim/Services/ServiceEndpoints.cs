using System.Globalization;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Services;

/// <summary>
/// Resolves a Service reference (namespace, name, port) to a URL the simulator can call, the way kube-apiserver with
/// <c>--enable-aggregator-routing</c> reaches aggregated API servers and webhooks: the Service's port is mapped to
/// its target port and the address comes from the Service's Endpoints (or, failing that, its EndpointSlices). There
/// is no cluster network here, so Endpoints addresses are real host addresses (e.g. 127.0.0.1 for a local process).
/// </summary>
internal sealed class ServiceEndpoints(SimulatorStore store)
{
    private static readonly GroupVersionResource _services = new(string.Empty, "v1", "services");
    private static readonly GroupVersionResource _endpoints = new(string.Empty, "v1", "endpoints");
    private static readonly GroupVersionResource _endpointSlices = new("discovery.k8s.io", "v1", "endpointslices");

    /// <summary>
    /// The https URL for <paramref name="path"/> on the service, or a problem in kube-apiserver's words
    /// (<c>service "x" not found</c>, <c>endpoints for service/x in "ns" have no addresses with port name "https"</c>).
    /// </summary>
    public ServiceResolution Resolve(string ns, string name, int port, string? path)
    {
        var service = store.Get(_services, ns, name);
        if (service is null)
        {
            return ServiceResolution.Failed("ServiceNotFound", $"service/{name} in \"{ns}\" is not present");
        }

        var servicePort = (service["spec"]?["ports"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(p => Int(p["port"]) == port);
        if (servicePort is null)
        {
            return ServiceResolution.Failed("ServicePortError", $"service/{name} in \"{ns}\" is not listening on port {port}");
        }

        var portName = servicePort["name"]?.GetValue<string>() ?? string.Empty;
        var targetPort = Int(servicePort["targetPort"]) ?? port;
        var address = FromEndpoints(ns, name, portName) ?? FromSlices(ns, name, portName);
        if (address is null)
        {
            return ServiceResolution.Failed("MissingEndpoints", $"endpoints for service/{name} in \"{ns}\" have no addresses with port name \"{portName}\"");
        }

        var (ip, endpointPort) = address.Value;
        var host = ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip;
        var url = new Uri($"https://{host}:{(endpointPort ?? targetPort).ToString(CultureInfo.InvariantCulture)}{Normalize(path)}");
        return new ServiceResolution(url, $"{name}.{ns}.svc", null, null);
    }

    private (string Ip, int? Port)? FromEndpoints(string ns, string name, string portName)
    {
        if (store.Get(_endpoints, ns, name)?["subsets"] is not JsonArray subsets)
        {
            return null;
        }

        foreach (var subset in subsets.OfType<JsonObject>())
        {
            var ports = (subset["ports"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            var match = ports.FirstOrDefault(p => (p["name"]?.GetValue<string>() ?? string.Empty) == portName)
                ?? (ports.Count == 1 ? ports[0] : null);
            var ip = (subset["addresses"] as JsonArray)?.OfType<JsonObject>().Select(a => a["ip"]?.GetValue<string>()).FirstOrDefault(a => a is { Length: > 0 });
            if (match is not null && ip is not null)
            {
                return (ip, Int(match["port"]));
            }
        }

        return null;
    }

    private (string Ip, int? Port)? FromSlices(string ns, string name, string portName)
    {
        foreach (var slice in store.List(_endpointSlices, ns))
        {
            if (slice["metadata"]?["labels"]?["kubernetes.io/service-name"]?.GetValue<string>() != name)
            {
                continue;
            }

            var ports = (slice["ports"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            var match = ports.FirstOrDefault(p => (p["name"]?.GetValue<string>() ?? string.Empty) == portName)
                ?? (ports.Count == 1 ? ports[0] : null);
            var ip = (slice["endpoints"] as JsonArray)?.OfType<JsonObject>()
                .Where(e => e["conditions"]?["ready"]?.GetValue<bool>() != false)
                .SelectMany(e => (e["addresses"] as JsonArray)?.Select(a => a?.GetValue<string>()) ?? [])
                .FirstOrDefault(a => a is { Length: > 0 });
            if (match is not null && ip is not null)
            {
                return (ip, Int(match["port"]));
            }
        }

        return null;
    }

    private static string Normalize(string? path) => string.IsNullOrEmpty(path) ? "/" : path[0] == '/' ? path : "/" + path;

    private static int? Int(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
}
