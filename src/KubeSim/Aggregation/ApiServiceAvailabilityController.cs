using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Aggregation;

/// <summary>
/// Keeps each APIService's Available condition as kube-aggregator's availability controllers do (Local; or the
/// service, its endpoints and a GET of /apis/&lt;group&gt;/&lt;version&gt;), and refreshes the backend's aggregated
/// discovery entry. Runs when an APIService, Service, Endpoints or EndpointSlice changes, and every interval so a
/// backend that goes away or comes back is noticed.
/// </summary>
internal sealed class ApiServiceAvailabilityController : IAsyncDisposable
{
    private const string _acceptAggregated =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    // Checks and discovery fetches speak for the aggregator itself, as upstream's do.
    private static readonly UserInfo _aggregatorUser = UserInfo.Authenticated("system:kube-aggregator", null, ["system:masters"]);

    private readonly SimulatorStore _store;
    private readonly Aggregator _aggregator;
    private readonly AggregatedDiscoveryCache _discovery;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public ApiServiceAvailabilityController(
        SimulatorStore store, Aggregator aggregator, AggregatedDiscoveryCache discovery, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _store = store;
        _aggregator = aggregator;
        _discovery = discovery;
        _interval = interval;
        _time = time;
        _logger = logger;
        store.AddObserver(OnChange);
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    // Called under the store lock: only signal.
    private void OnChange(StoreEvent change)
    {
        if (change.GroupResource is "apiservices.apiregistration.k8s.io" or "services" or "endpoints" or "endpointslices.discovery.k8s.io")
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await SyncAllAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                AggregationLog.SyncFailed(_logger, e);
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var woken = _wake.WaitAsync(wait.Token);
            var elapsed = Task.Delay(_interval, _time, wait.Token);
            await Task.WhenAny(woken, elapsed).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task SyncAllAsync(CancellationToken cancellationToken)
    {
        var objects = _store.List(Aggregator.ApiServices);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var apiService in objects.Select(ApiServiceInfo.Parse).OfType<ApiServiceInfo>())
        {
            names.Add(apiService.Name);
            var (status, reason, message) = apiService.IsLocal
                ? ("True", "Local", "Local APIServices are always available")
                : await CheckAsync(apiService, cancellationToken).ConfigureAwait(false);
            if (!apiService.IsLocal)
            {
                await RefreshDiscoveryAsync(apiService, status == "True", cancellationToken).ConfigureAwait(false);
            }

            SetCondition(apiService.Name, status, reason, message);
        }

        _discovery.Retain(names);
    }

    private async Task<(string Status, string Reason, string Message)> CheckAsync(ApiServiceInfo apiService, CancellationToken cancellationToken)
    {
        var resolution = _aggregator.Endpoints.Resolve(
            apiService.ServiceNamespace!, apiService.ServiceName!, apiService.ServicePort, $"/apis/{apiService.Group}/{apiService.Version}");
        if (resolution.Url is not { } url)
        {
            return ("False", resolution.Reason!, resolution.Problem!);
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            AggregationProxy.SetUserHeaders(request.Headers, _aggregatorUser);
            using var response = await _aggregator.FrontProxy.CheckClient().SendAsync(request, cancellationToken).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 300
                ? ("True", "Passed", "all checks passed")
                : ("False", "FailedDiscoveryCheck", $"failing or missing response from {url}: bad status from {url}: {code}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var inner = e;
            while (inner.InnerException is not null)
            {
                inner = inner.InnerException;
            }

            return ("False", "FailedDiscoveryCheck", $"failing or missing response from {url}: {inner.Message}");
        }
    }

    private async Task RefreshDiscoveryAsync(ApiServiceInfo apiService, bool available, CancellationToken cancellationToken)
    {
        var problem = available ? await FetchDiscoveryAsync(apiService, cancellationToken).ConfigureAwait(false) : "the APIService is not available";
        if (problem is not null)
        {
            _discovery.MarkStale(apiService.Name);
            AggregationLog.DiscoveryStale(_logger, apiService.Name, problem);
        }
    }

    /// <summary>Fetches the backend's aggregated /apis and keeps this APIService's version entry; returns the problem if any.</summary>
    private async Task<string?> FetchDiscoveryAsync(ApiServiceInfo apiService, CancellationToken cancellationToken)
    {
        var resolution = _aggregator.Endpoints.Resolve(apiService.ServiceNamespace!, apiService.ServiceName!, apiService.ServicePort, "/apis");
        if (resolution.Url is not { } url)
        {
            return resolution.Problem;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd(_acceptAggregated);
            AggregationProxy.SetUserHeaders(request.Headers, _aggregatorUser);
            var client = _aggregator.FrontProxy.ClientFor(apiService, resolution.ServerName!, streaming: false);
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return $"bad status from {url}: {(int)response.StatusCode}";
            }

            if (response.Content.Headers.ContentType is not { } type || !IsAggregated(type))
            {
                // Upstream falls back to the backend's legacy discovery of this group-version and converts it.
                return await FetchLegacyDiscoveryAsync(apiService, client, url, cancellationToken).ConfigureAwait(false);
            }

            var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var entry = (document?["items"] as JsonArray)?.OfType<JsonObject>()
                .Where(g => g["metadata"]?["name"]?.GetValue<string>() == apiService.Group)
                .SelectMany(g => (g["versions"] as JsonArray)?.OfType<JsonObject>() ?? [])
                .FirstOrDefault(v => v["version"]?.GetValue<string>() == apiService.Version);
            if (entry is null)
            {
                return $"{url} does not list {apiService.Group}/{apiService.Version}";
            }

            _discovery.Set(apiService.Name, entry.DeepClone().AsObject());
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidOperationException
            && !cancellationToken.IsCancellationRequested)
        {
            return e.Message;
        }
    }

    private async Task<string?> FetchLegacyDiscoveryAsync(ApiServiceInfo apiService, HttpClient client, Uri apisUrl, CancellationToken cancellationToken)
    {
        var url = new Uri(apisUrl, $"/apis/{apiService.Group}/{apiService.Version}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("application/json");
        AggregationProxy.SetUserHeaders(request.Headers, _aggregatorUser);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return $"bad status from {url}: {(int)response.StatusCode}";
        }

        if (JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) is not JsonObject { } list
            || list["kind"]?.GetValue<string>() != "APIResourceList")
        {
            return $"{url} served no APIResourceList";
        }

        _discovery.Set(apiService.Name, LegacyDiscoveryConversion.ToVersionEntry(apiService.Version, list));
        return null;
    }

    private static bool IsAggregated(MediaTypeHeaderValue type) =>
        type.Parameters.Any(p => p.Name == "as" && p.Value == "APIGroupDiscoveryList");

    private void SetCondition(string name, string status, string reason, string message)
    {
        var current = _store.Get(Aggregator.ApiServices, null, name);
        var existing = (current?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.GetValue<string>() == "Available");
        if (current is null
            || (existing?["status"]?.GetValue<string>() == status && existing["reason"]?.GetValue<string>() == reason
                && existing["message"]?.GetValue<string>() == message))
        {
            return;
        }

        var transition = existing?["status"]?.GetValue<string>() == status
            ? existing["lastTransitionTime"]?.DeepClone()
            : _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            _store.UpdateStatus(Aggregator.ApiServices, null, name, obj =>
            {
                var statusObject = obj["status"] as JsonObject ?? [];
                var conditions = new JsonArray();
                foreach (var condition in (statusObject["conditions"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    if (condition["type"]?.GetValue<string>() != "Available")
                    {
                        conditions.Add(condition.DeepClone());
                    }
                }

                conditions.Add(new JsonObject
                {
                    ["type"] = "Available",
                    ["status"] = status,
                    ["lastTransitionTime"] = transition,
                    ["reason"] = reason,
                    ["message"] = message,
                });
                statusObject["conditions"] = conditions;
                obj["status"] = statusObject;
                return obj;
            });
            AggregationLog.AvailabilityChanged(_logger, name, status, reason, message);
        }
        catch (SimulatorApiException e) when (e.Code == 404)
        {
            // Deleted meanwhile.
        }
    }
}
