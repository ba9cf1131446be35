using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Clusterpedia.KubeSim.Aggregation;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Faults;
using Clusterpedia.KubeSim.Security;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// The one HTTP entry point: authentication, health and version, discovery, then the generic resource registry.
/// Every failure leaves here as a Kubernetes Status.
/// </summary>
internal sealed class ApiHandler
{
    private readonly ApiResourceCatalog _catalog;
    private readonly ResourceHandler _resources;
    private readonly SimulatorOptions _options;
    private readonly ILogger _logger;
    private readonly byte[]? _expectedAuthorization;
    private readonly CertificateAuthority? _authority;
    private readonly FaultInjector _faults;
    private readonly ControlHandler _control;
    private readonly Aggregator? _aggregator;
    private readonly RequestHeaderAuthenticator? _requestHeader;

    public ApiHandler(
        ApiResourceCatalog catalog, ResourceHandler resources, SimulatorOptions options, CertificateAuthority? authority, FaultInjector faults,
        Func<double, Task> setChurn, ILogger logger, Aggregator? aggregator = null, RequestHeaderAuthenticator? requestHeader = null)
    {
        _aggregator = aggregator;
        _requestHeader = requestHeader;
        _faults = faults;
        _control = new ControlHandler(faults, setChurn);
        _authority = authority;
        _catalog = catalog;
        _resources = resources;
        _options = options;
        _logger = logger;
        _expectedAuthorization = options.Token is { Length: > 0 } token ? Encoding.UTF8.GetBytes("Bearer " + token) : null;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        try
        {
            if (path.StartsWith("/_sim/", StringComparison.Ordinal))
            {
                // The remote control answers whatever faults are on, but only to the cluster's own credentials.
                if (!IsAuthenticated(context, allowAnonymous: false))
                {
                    throw new SimulatorApiException(401, "Unauthorized", "Unauthorized");
                }

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
        var trimmed = path.TrimEnd('/');
        var isPublic = trimmed is "/healthz" or "/livez" or "/readyz" or "/version"
            || trimmed.StartsWith("/healthz/", StringComparison.Ordinal)
            || trimmed.StartsWith("/livez/", StringComparison.Ordinal)
            || trimmed.StartsWith("/readyz/", StringComparison.Ordinal);
        if (!(isPublic && _options.AnonymousHealthAndVersion) && !IsAuthenticated(context))
        {
            throw new SimulatorApiException(401, "Unauthorized", "Unauthorized");
        }

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
        return _resources.HandleAsync(context, request);
    }

    private bool IsAuthenticated(HttpContext context, bool allowAnonymous = true)
    {
        if (_requestHeader?.Authenticate(context) is { } proxied)
        {
            RequestUser.Set(context, proxied);
            return true;
        }

        if (_authority is not null && context.Connection.ClientCertificate is { } certificate && _authority.IsValidClient(certificate))
        {
            RequestUser.Set(context, CertificateUser(certificate));
            return true;
        }

        if (_expectedAuthorization is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString()), _expectedAuthorization))
        {
            // The one configured token belongs to the cluster's administrator, like kubeadm's admin.conf.
            RequestUser.Set(context, UserInfo.Authenticated("kubernetes-admin", null, ["system:masters"]));
            return true;
        }

        // Anonymous: what kube-apiserver does when anonymous requests are allowed; with no credentials configured at
        // all there is no authentication, so everyone is let through.
        RequestUser.Set(context, UserInfo.AnonymousUser);
        return (_expectedAuthorization is null && _authority is null) || (allowAnonymous && _options.AllowAnonymous);
    }

    /// <summary>The user of a client certificate, as kube-apiserver reads it: CN is the name, each O a group.</summary>
    private static UserInfo CertificateUser(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        string name = string.Empty;
        var groups = new List<string>();
        foreach (var part in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            var oid = part.GetSingleElementType().Value;
            var value = part.GetSingleElementValue() ?? string.Empty;
            if (oid == "2.5.4.3")
            {
                name = value;
            }
            else if (oid == "2.5.4.10")
            {
                groups.Add(value);
            }
        }

        return UserInfo.Authenticated(name, null, groups);
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
