using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Keeps <see cref="Current"/>: the client CA and requestheader settings from the flags, and in hosted mode whatever
/// the flags leave unset from the host's kube-system/extension-apiserver-authentication ConfigMap, read at start and
/// every <see cref="SecurityOptions.AuthenticationConfigRefresh"/> (kube's DelegatingAuthenticationOptions does the
/// same with a watch), so a rotated front-proxy CA is picked up without a restart.
/// </summary>
internal sealed partial class AuthenticationConfigSource(
    IOptions<SecurityOptions> options, TimeProvider time, ILogger<AuthenticationConfigSource> logger, HostApi? host = null) : BackgroundService
{
    private const string _configMapPath = "/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication";

    private readonly SecurityOptions _options = options.Value;
    private AuthenticationConfig? _fromFlags;

    public AuthenticationConfig Current { get; private set; } = AuthenticationConfig.None;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _fromFlags = FromFlags(_options);
        Current = _fromFlags;
        if (host is not null)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (host is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.AuthenticationConfigRefresh, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await RefreshAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var data = (await host!.GetAsync(_configMapPath, cancellationToken).ConfigureAwait(false))?["data"] as JsonObject;
            Current = Merge(_fromFlags!, data);
        }
        catch (Exception e) when (e is Kube.Client.KubeApiException or Kube.Client.KubeConnectionException or HttpRequestException
            or JsonException or InvalidOperationException or System.Security.Cryptography.CryptographicException or IOException or FormatException)
        {
            LogConfigMapFailed(logger, e.Message);
        }
    }

    private static AuthenticationConfig FromFlags(SecurityOptions o)
    {
        var clientCa = string.IsNullOrEmpty(o.ClientCaFile) ? null : ClientCertificates.FromFile(o.ClientCaFile, "--client-ca-file");
        RequestHeaderConfig? requestHeader = null;
        if (!string.IsNullOrEmpty(o.RequestHeaderClientCaFile))
        {
            requestHeader = new RequestHeaderConfig(
                ClientCertificates.FromFile(o.RequestHeaderClientCaFile, "--requestheader-client-ca-file"),
                SecurityOptions.SplitList(o.RequestHeaderAllowedNames),
                SecurityOptions.SplitList(o.RequestHeaderUsernameHeaders),
                SecurityOptions.SplitList(o.RequestHeaderGroupHeaders),
                SecurityOptions.SplitList(o.RequestHeaderExtraHeadersPrefix));
        }

        return new AuthenticationConfig(clientCa, requestHeader);
    }

    /// <summary>The flags win; the ConfigMap fills what they leave unset (as kube's delegated authentication).</summary>
    private static AuthenticationConfig Merge(AuthenticationConfig flags, JsonObject? data)
    {
        var clientCa = flags.ClientCa;
        if (clientCa is null && Text(data, "client-ca-file") is { Length: > 0 } clientPem)
        {
            clientCa = new ClientCertificates(clientPem);
        }

        var requestHeader = flags.RequestHeader;
        if (requestHeader is null && Text(data, "requestheader-client-ca-file") is { Length: > 0 } proxyPem)
        {
            requestHeader = new RequestHeaderConfig(
                new ClientCertificates(proxyPem),
                List(data, "requestheader-allowed-names"),
                List(data, "requestheader-username-headers"),
                List(data, "requestheader-group-headers"),
                List(data, "requestheader-extra-headers-prefix"));
        }

        return new AuthenticationConfig(clientCa, requestHeader);
    }

    private static string? Text(JsonObject? data, string key) => data?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The ConfigMap's lists are JSON arrays of strings.</summary>
    private static string[] List(JsonObject? data, string key) =>
        Text(data, key) is { Length: > 0 } text ? JsonSerializer.Deserialize<string[]>(text) ?? [] : [];

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Could not read the host's kube-system/extension-apiserver-authentication ConfigMap ({Problem}); front-proxy requests are refused until it is read")]
    private static partial void LogConfigMapFailed(ILogger logger, string problem);
}
