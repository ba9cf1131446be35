using System.Globalization;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Aggregation;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Faults;
using Clusterpedia.KubeSim.Rbac;
using Clusterpedia.KubeSim.Reviews;
using Clusterpedia.KubeSim.Security;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// The one HTTP entry point: authentication, impersonation and authorization, health and version, discovery, reviews,
/// then the generic resource registry.
/// Every failure leaves here as a Kubernetes Status.
/// </summary>
internal sealed class ApiHandler
{
    private readonly ApiResourceCatalog _catalog;
    private readonly ResourceHandler _resources;
    private readonly SimulatorOptions _options;
    private readonly ILogger _logger;
    private readonly ClusterSecurity _security;
    private readonly ReviewHandler _reviews;
    private readonly FaultInjector _faults;
    private readonly ControlHandler _control;
    private readonly Aggregator? _aggregator;

    public ApiHandler(
        ApiResourceCatalog catalog, ResourceHandler resources, SimulatorOptions options, ClusterSecurity security, ReviewHandler reviews, FaultInjector faults,
        Func<double, Task> setChurn, ILogger logger, Aggregator? aggregator = null)
    {
        _aggregator = aggregator;
        _faults = faults;
        _control = new ControlHandler(faults, setChurn);
        _security = security;
        _reviews = reviews;
        _catalog = catalog;
        _resources = resources;
        _options = options;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        try
        {
            if (path.StartsWith("/_sim/", StringComparison.Ordinal))
            {
                // The remote control answers whatever faults are on, but only to the cluster's own credentials.
                Authorize(context, path, anonymous: false);

                await _control.HandleAsync(context, path).ConfigureAwait(false);
                return;
            }

            if (_faults.IsDown)
            {
                // A dead apiserver: no answer at all, the client sees its connection reset.
                context.Abort();
                return;
            }

            // A hung apiserver: the connection is accepted and the answer never comes (until the hang ends).
            await _faults.WaitWhileHungAsync(context.RequestAborted).ConfigureAwait(false);
            if (_faults.Latency is { Ticks: > 0 } latency)
            {
                await Task.Delay(latency, _options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
            }

            if (_faults.NextError(path) is { } injected)
            {
                if (_faults.HtmlErrors)
                {
                    await Responses.WriteHtmlErrorAsync(context, injected.Code).ConfigureAwait(false);
                    return;
                }

                throw injected;
            }

            await RouteAsync(context, path).ConfigureAwait(false);
        }
        catch (SimulatorApiException e) when (!context.Response.HasStarted)
        {
            await Responses.WriteStatusAsync(context, e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            Log.UnhandledError(_logger, e, context.Request.Method, path);
            await Responses.WriteStatusAsync(context, new SimulatorApiException(500, "InternalError", e.Message)).ConfigureAwait(false);
        }

        Log.Request(_logger, context.Request.Method, path, context.Response.StatusCode);
    }

    private Task RouteAsync(HttpContext context, string path)
    {
        Authorize(context, path, anonymous: true);
        var trimmed = path.TrimEnd('/');
        var isPublic = ClusterSecurity.IsPublic(path);

        if (trimmed is "/healthz" or "/livez" or "/readyz" || (isPublic && trimmed != "/version"))
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            return context.Response.WriteAsync("ok", context.RequestAborted);
        }

        if (trimmed == "/version")
        {
            return Responses.WriteJsonAsync(context, 200, WriteVersion);
        }

        var segments = trimmed.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return WriteRootPathsAsync(context);
        }

        if (segments is ["openapi", "v2"])
        {
            if (context.Request.Headers.Accept.ToString().Contains("protobuf", StringComparison.Ordinal))
            {
                context.Response.ContentType = OpenApiV2Writer.ProtobufContentType;
                var proto = OpenApiV2Writer.WriteProtobuf(_catalog, _options.KubernetesVersion);
                return context.Response.Body.WriteAsync(proto, context.RequestAborted).AsTask();
            }

            return Responses.WriteJsonAsync(context, 200, w => OpenApiV2Writer.WriteJson(w, _catalog, _options.KubernetesVersion));
        }

        if (segments[0] == "openapi" && segments.Length > 1 && segments[1] == "v3")
        {
            if (segments.Length == 2)
            {
                return Responses.WriteJsonAsync(context, 200, w => OpenApiWriter.WriteIndex(w, _catalog));
            }

            var documented = OpenApiWriter.Find(_catalog, segments.AsSpan(2)) ?? throw SimulatorApiException.ResourceNotFound();
            return Responses.WriteJsonAsync(context, 200, w => OpenApiWriter.WriteDocument(w, documented, _options.KubernetesVersion));
        }

        if (segments[0] == "api")
        {
            return segments.Length switch
            {
                1 => IsAggregatedRequest(context, out var aggregated)
                    ? WriteAggregatedAsync(context, aggregated, [new ApiGroup(string.Empty, [_catalog.Core])], core: true)
                    : Responses.WriteJsonAsync(context, 200, w => DiscoveryWriter.WriteApiVersions(w, ServerAddress(context))),
                2 when segments[1] == _catalog.Core.Version =>
                    Responses.WriteJsonAsync(context, 200, w => DiscoveryWriter.WriteApiResourceList(w, _catalog.Core)),
                _ when segments[1] == _catalog.Core.Version => ResourceAsync(context, string.Empty, segments[1], segments.AsSpan(2)),
                _ => throw SimulatorApiException.ResourceNotFound(),
            };
        }

        if (segments[0] == "apis" && _aggregator?.Route(context, segments) is { } aggregatedApi)
        {
            return aggregatedApi;
        }

        if (segments[0] == "apis")
        {
            if (segments.Length == 1)
            {
                var groups = _catalog.Groups;
                return IsAggregatedRequest(context, out var aggregated)
                    ? WriteAggregatedAsync(context, aggregated, groups, core: false)
                    : Responses.WriteJsonAsync(context, 200, w => DiscoveryWriter.WriteApiGroupList(w, groups));
            }

            var group = _catalog.FindGroup(segments[1]) ?? throw SimulatorApiException.ResourceNotFound();
            if (segments.Length == 2)
            {
                return Responses.WriteJsonAsync(context, 200, w => DiscoveryWriter.WriteApiGroup(w, group));
            }

            var groupVersion = _catalog.FindGroupVersion(segments[1], segments[2]) ?? throw SimulatorApiException.ResourceNotFound();
            return segments.Length == 3
                ? Responses.WriteJsonAsync(context, 200, w => DiscoveryWriter.WriteApiResourceList(w, groupVersion))
                : ResourceAsync(context, segments[1], segments[2], segments.AsSpan(3));
        }

        throw SimulatorApiException.ResourceNotFound();
    }

    private Task ResourceAsync(HttpContext context, string group, string version, ReadOnlySpan<string> rest)
    {
        var request = ResourceRequest.Parse(_catalog, group, version, rest) ?? throw SimulatorApiException.ResourceNotFound();
        return _reviews.TryHandle(context, request) ?? _resources.HandleAsync(context, request);
    }

    /// <summary>
    /// Authentication (401), impersonation and authorization (403) of every request, as kube-apiserver's filters run
    /// them; the user found is set on the request for every later stage.
    /// </summary>
    private void Authorize(HttpContext context, string path, bool anonymous)
    {
        var user = _security.Authenticator.Authenticate(context);
        if (user is null || (!anonymous && _security.Authenticator.Enabled && user.Name == UserInfo.Anonymous))
        {
            throw new SimulatorApiException(401, "Unauthorized", "Unauthorized");
        }

        user = Impersonation.Apply(context, user, _security.Authorizer);
        RequestUser.Set(context, user);
        var attributes = RequestAttributes.FromRequest(user, context.Request.Method, path, context.Request.Query);
        if (!_security.Authorizer.Authorize(attributes).Allowed)
        {
            RbacLog.Forbidden(_logger, context.Request.Method, path, user.Name);
            throw Authorizer.Forbidden(attributes);
        }
    }

    /// <summary>
    /// True when the Accept header asks for aggregated discovery (kubectl 1.26+); <paramref name="apiVersion"/> is the
    /// first version it accepts that we serve (apidiscovery.k8s.io/v2 or v2beta1). Otherwise the legacy form is served.
    /// </summary>
    internal static bool IsAggregatedRequest(HttpContext context, out string apiVersion)
    {
        foreach (var range in context.Request.Headers.Accept.ToString().Split(','))
        {
            var parameters = range.Split(';').Select(p => p.Trim()).ToArray();
            if (parameters.Contains("as=APIGroupDiscoveryList") && parameters.Contains("g=apidiscovery.k8s.io"))
            {
                if (parameters.Contains("v=v2"))
                {
                    apiVersion = "v2";
                    return true;
                }

                if (parameters.Contains("v=v2beta1"))
                {
                    apiVersion = "v2beta1";
                    return true;
                }
            }
        }

        apiVersion = string.Empty;
        return false;
    }

    private static Task WriteAggregatedAsync(HttpContext context, string version, IEnumerable<ApiGroup> groups, bool core)
    {
        context.Response.Headers.Vary = "Accept";
        return Responses.WriteJsonAsync(context, 200,
            w => DiscoveryWriter.WriteAggregated(w, "apidiscovery.k8s.io/" + version, groups, core),
            $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList");
    }

    private Task WriteRootPathsAsync(HttpContext context) =>
        Responses.WriteJsonAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("paths");
            var paths = new List<string> { "/api", "/api/v1", "/apis", "/healthz", "/livez", "/readyz", "/version" };
            foreach (var group in _catalog.Groups)
            {
                paths.Add($"/apis/{group.Name}");
                paths.AddRange(group.Versions.Select(v => $"/apis/{v.GroupVersion}"));
            }

            paths.Sort(StringComparer.Ordinal);
            foreach (var p in paths)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });

    private void WriteVersion(System.Text.Json.Utf8JsonWriter writer)
    {
        var gitVersion = _options.KubernetesVersion;
        var numbers = gitVersion.TrimStart('v').Split('.', '-', '+');
        var major = numbers.Length > 0 ? numbers[0] : "1";
        var minor = numbers.Length > 1 ? numbers[1] : "0";
        writer.WriteStartObject();
        writer.WriteString("major", major);
        writer.WriteString("minor", minor);
        writer.WriteString("emulationMajor", major);
        writer.WriteString("emulationMinor", minor);
        writer.WriteString("minCompatibilityMajor", major);
        writer.WriteString("minCompatibilityMinor", int.TryParse(minor, NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            ? (m - 1).ToString(CultureInfo.InvariantCulture)
            : minor);
        writer.WriteString("gitVersion", gitVersion);
        writer.WriteString("gitCommit", "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828");
        writer.WriteString("gitTreeState", "clean");
        writer.WriteString("buildDate", "2025-05-15T08:19:08Z");
        writer.WriteString("goVersion", "go1.24.2");
        writer.WriteString("compiler", "gc");
        writer.WriteString("platform", "linux/amd64");
        writer.WriteEndObject();
    }

    private static string ServerAddress(HttpContext context) =>
        $"{context.Connection.LocalIpAddress}:{context.Connection.LocalPort}";
}
