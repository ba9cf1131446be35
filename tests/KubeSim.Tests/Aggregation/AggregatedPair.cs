using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests.Aggregation;

/// <summary>
/// A host simulator (the aggregator) and a backend simulator serving widgets.example.com, registered in the host as
/// APIService v1.example.com behind Service widgets/api, both over real HTTPS. The backend trusts the host's
/// front-proxy CA for X-Remote-* headers, like an aggregated API server reading extension-apiserver-authentication.
/// </summary>
internal sealed class AggregatedPair : IAsyncDisposable
{
    public static readonly GroupVersionResource ApiServices = new("apiregistration.k8s.io", "v1", "apiservices");
    public static readonly GroupVersionResource Widgets = new("example.com", "v1", "widgets");
    private static readonly GroupVersionResource _crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    private static readonly GroupVersionResource _namespaces = new(string.Empty, "v1", "namespaces");
    private static readonly GroupVersionResource _services = new(string.Empty, "v1", "services");
    private static readonly GroupVersionResource _endpoints = new(string.Empty, "v1", "endpoints");

    private const string _widgetCrd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced",
           "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList","shortNames":["wd"]},
           "versions":[{"name":"v1","served":true,"storage":true,
             "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
        """;

    private AggregatedPair(SimulatedCluster host, SimulatedCluster backend)
    {
        Host = host;
        Backend = backend;
    }

    public SimulatedCluster Host { get; }

    public SimulatedCluster Backend { get; }

    /// <summary>Starts both; <paramref name="caBundle"/> overrides the APIService's caBundle (default: the backend's CA).</summary>
    public static async Task<AggregatedPair> StartAsync(string? caBundle = null)
    {
        var host = await SimulatedCluster.StartAsync(new SimulatorOptions
        {
            Port = 0,
            Tls = true,
            Namespaces = 0,
            ClusterName = "host",
            AggregationCheckInterval = TimeSpan.FromMilliseconds(200),
        });
        var backend = await SimulatedCluster.StartAsync(new SimulatorOptions
        {
            Port = 0,
            Tls = true,
            Namespaces = 0,
            ClusterName = "backend",
            ServingDnsNames = ["api.widgets.svc"],
            RequestHeader = new Clusterpedia.KubeSim.Security.RequestHeaderOptions { ClientCaPem = host.FrontProxyCaPem! },
        });
        backend.Store.Create(_crds, null, _widgetCrd);
        Register(host, "widgets", "api", backend.Url.Port);
        host.Store.Create(ApiServices, null, ApiService("v1.example.com", "example.com", "v1", "widgets", "api", caBundle ?? backend.CaCertificatePem!));
        var pair = new AggregatedPair(host, backend);
        await pair.WaitAvailableAsync("v1.example.com", "True");
        return pair;
    }

    /// <summary>A Service with port 443 (name https) and Endpoints pointing at 127.0.0.1:<paramref name="port"/>.</summary>
    public static void Register(SimulatedCluster host, string ns, string name, int port)
    {
        if (host.Store.Get(_namespaces, null, ns) is null)
        {
            host.Store.Create(_namespaces, null, $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
        }

        var portText = port.ToString(CultureInfo.InvariantCulture);
        host.Store.Create(_services, ns, $$$"""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},
             "spec":{"type":"ClusterIP","ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":{{{portText}}}}]}}
            """);
        host.Store.Create(_endpoints, ns, $$$"""
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},
             "subsets":[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"name":"https","port":{{{portText}}},"protocol":"TCP"}]}]}
            """);
    }

    public static JsonObject ApiService(string name, string group, string version, string ns, string service, string? caBundlePem)
    {
        var spec = new JsonObject
        {
            ["group"] = group,
            ["version"] = version,
            ["service"] = new JsonObject { ["namespace"] = ns, ["name"] = service, ["port"] = 443 },
            ["groupPriorityMinimum"] = 1000,
            ["versionPriority"] = 15,
        };
        if (caBundlePem is not null)
        {
            spec["caBundle"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(caBundlePem));
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiregistration.k8s.io/v1",
            ["kind"] = "APIService",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        };
    }

    /// <summary>The Available condition of an APIService in the host: (status, reason, message), or nulls.</summary>
    public (string? Status, string? Reason, string? Message) Available(string name) => AvailableIn(Host, name);

    public static (string? Status, string? Reason, string? Message) AvailableIn(SimulatedCluster host, string name)
    {
        var condition = (host.Store.Get(ApiServices, null, name)?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.GetValue<string>() == "Available");
        return (condition?["status"]?.GetValue<string>(), condition?["reason"]?.GetValue<string>(), condition?["message"]?.GetValue<string>());
    }

    public Task WaitAvailableAsync(string name, string status) =>
        Eventually.UntilAsync(
            () => Task.FromResult(Available(name).Status == status), TimeSpan.FromSeconds(15),
            () => Task.FromResult($"APIService {name} Available={status}; it is {Available(name)}"));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
