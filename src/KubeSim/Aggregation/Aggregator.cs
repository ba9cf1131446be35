using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Http;
using Clusterpedia.KubeSim.Security;
using Clusterpedia.KubeSim.Services;
using KubeVersionComparer = Clusterpedia.Kube.Discovery.KubeVersionComparer;

namespace Clusterpedia.KubeSim.Aggregation;

/// <summary>
/// kube-aggregator's request side: /apis/&lt;group&gt;/&lt;version&gt;/... of an APIService with a service goes to that
/// service; /apis and /apis/&lt;group&gt; list aggregated groups next to local ones (legacy and aggregated discovery).
/// </summary>
internal sealed class Aggregator
{
    public static readonly GroupVersionResource ApiServices = new("apiregistration.k8s.io", "v1", "apiservices");

    private readonly SimulatorStore _store;
    private readonly ApiResourceCatalog _catalog;
    private readonly FrontProxy _frontProxy;
    private readonly AggregatedDiscoveryCache _discovery;
    private readonly ServiceEndpoints _endpoints;

    // Every /apis request asks for the remote APIServices: they are re-read only after an APIService changed.
    private volatile bool _stale = true;
    private IReadOnlyList<ApiServiceInfo> _remote = [];

    public Aggregator(SimulatorStore store, ApiResourceCatalog catalog, FrontProxy frontProxy, AggregatedDiscoveryCache discovery)
    {
        _store = store;
        _catalog = catalog;
        _frontProxy = frontProxy;
        _discovery = discovery;
        _endpoints = new ServiceEndpoints(store);
        store.AddObserver(change =>
        {
            if (change.GroupResource == "apiservices.apiregistration.k8s.io")
            {
                _stale = true;
            }
        });
    }

    public FrontProxy FrontProxy => _frontProxy;

    public ServiceEndpoints Endpoints => _endpoints;

    /// <summary>Every APIService that names a service (the ones this aggregator proxies to).</summary>
    public IReadOnlyList<ApiServiceInfo> Remote()
    {
        if (_stale)
        {
            // Cleared before reading, so a change during the read marks the snapshot stale again.
            _stale = false;
            _remote = [.. _store.List(ApiServices).Select(ApiServiceInfo.Parse).OfType<ApiServiceInfo>().Where(a => !a.IsLocal && a.Group.Length > 0)];
        }

        return _remote;
    }

    /// <summary>The answer to a request under /apis, or null when the local handler serves it.</summary>
    public Task? Route(HttpContext context, string[] segments)
    {
        var remote = Remote();
        if (remote.Count == 0)
        {
            return null;
        }

        if (segments.Length == 1)
        {
            return ApiHandler.IsAggregatedRequest(context, out var version)
                ? WriteAggregatedAsync(context, version, remote)
                : Responses.WriteJsonAsync(context, 200, w => DiscoveryWriter.WriteApiGroupList(w, [.. _catalog.Groups, .. Groups(remote)]));
        }

        if (segments.Length == 2)
        {
            var group = Groups(remote).FirstOrDefault(g => g.Name == segments[1]);
            return group is null || _catalog.FindGroup(segments[1]) is not null
                ? null
                : Responses.WriteJsonAsync(context, 200, w => DiscoveryWriter.WriteApiGroup(w, group));
        }

        var apiService = remote.FirstOrDefault(a => a.Group == segments[1] && a.Version == segments[2]);
        return apiService is null ? null : ProxyAsync(context, apiService);
    }

    private async Task ProxyAsync(HttpContext context, ApiServiceInfo apiService)
    {
        if (!apiService.Available)
        {
            // kube-aggregator's words while the APIService is not Available.
            throw new SimulatorApiException(503, "ServiceUnavailable", "service unavailable");
        }

        var resolution = _endpoints.Resolve(apiService.ServiceNamespace!, apiService.ServiceName!, apiService.ServicePort, context.Request.Path.Value);
        if (resolution.Url is null)
        {
            throw new SimulatorApiException(503, "ServiceUnavailable", "service unavailable");
        }

        var target = new UriBuilder(resolution.Url) { Query = context.Request.QueryString.Value ?? string.Empty }.Uri;
        var client = _frontProxy.ClientFor(apiService, resolution.ServerName!, streaming: true);
        await AggregationProxy.ProxyAsync(context, target, client, RequestUser.Get(context)).ConfigureAwait(false);
    }

    /// <summary>
    /// Aggregated groups for legacy discovery: versions by versionPriority (then Kubernetes version order), groups by the
    /// highest groupPriorityMinimum, then name, after the local groups as kube-apiserver orders them.
    /// </summary>
    private IEnumerable<ApiGroup> Groups(IReadOnlyList<ApiServiceInfo> remote) =>
        remote.Where(a => _catalog.FindGroupVersion(a.Group, a.Version) is null)
            .GroupBy(a => a.Group)
            .OrderByDescending(g => g.Max(a => a.GroupPriorityMinimum))
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ApiGroup(g.Key, [.. Ordered(g).Select(a => new ApiGroupVersion(a.Group, a.Version, []))]));

    private static IEnumerable<ApiServiceInfo> Ordered(IEnumerable<ApiServiceInfo> versions) =>
        versions.OrderByDescending(a => a.VersionPriority).ThenBy(a => a.Version, KubeVersionComparer.Instance);

    private Task WriteAggregatedAsync(HttpContext context, string version, IReadOnlyList<ApiServiceInfo> remote)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            DiscoveryWriter.WriteAggregated(writer, "apidiscovery.k8s.io/" + version, _catalog.Groups, core: false);
        }

        var document = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
        var items = document["items"]!.AsArray();
        foreach (var group in remote.Where(a => _catalog.FindGroupVersion(a.Group, a.Version) is null)
            .GroupBy(a => a.Group)
            .OrderByDescending(g => g.Max(a => a.GroupPriorityMinimum))
            .ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var versions = new JsonArray();
            foreach (var apiService in Ordered(group))
            {
                if (_discovery.Get(apiService.Name) is { } entry)
                {
                    versions.Add(entry);
                }
            }

            if (versions.Count > 0)
            {
                items.Add(new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = group.Key, ["creationTimestamp"] = null },
                    ["versions"] = versions,
                });
            }
        }

        context.Response.Headers.Vary = "Accept";
        return Responses.WriteJsonAsync(context, 200, w => document.WriteTo(w), $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList");
    }
}
