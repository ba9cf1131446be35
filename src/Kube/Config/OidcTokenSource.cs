using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.Kube.Config;

/// <summary>
/// The id-token of a kubeconfig's <c>auth-provider: oidc</c> user, sent as the bearer token while its JWT <c>exp</c>
/// is ahead, and renewed with the refresh-token at the issuer's token endpoint (found in
/// <c>&lt;idp-issuer-url&gt;/.well-known/openid-configuration</c>) when it has expired or the server refused it.
/// client-go writes the new tokens back to the kubeconfig; we keep them in memory only, so a restart begins again
/// from the file's tokens. Tokens and the client secret never appear in errors.
/// </summary>
public sealed class OidcTokenSource : IBearerTokenSource, IDisposable
{
    private const int _maxResponseBytes = 1024 * 1024;

    // As client-go: an id-token this close to its expiry is renewed rather than sent.
    private static readonly TimeSpan _expiryMargin = TimeSpan.FromSeconds(10);

    private readonly OidcProviderConfig _config;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HttpClient? _http;
    private Uri? _tokenEndpoint;
    private string? _idToken;
    private string? _refreshToken;
    private bool _refused;

    public OidcTokenSource(OidcProviderConfig config, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _time = timeProvider ?? TimeProvider.System;
        _idToken = string.IsNullOrEmpty(config.IdToken) ? null : config.IdToken;
        _refreshToken = string.IsNullOrEmpty(config.RefreshToken) ? null : config.RefreshToken;
    }

    public Uri IssuerUrl => _config.IssuerUrl;

    /// <summary>
    /// Which addresses the issuer (and its token endpoint) may be reached at; null: any. Set before the first token is
    /// asked for: a PediaCluster's kubeconfig gets the outbound target policy here, as its server does.
    /// </summary>
    public Func<IPAddress, bool>? AllowAddress { get; set; }

    /// <summary>How many times the tokens were renewed at the issuer (tests, diagnostics).</summary>
    public int Refreshes { get; private set; }

    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_idToken is { } current && !_refused && !Expired(current))
            {
                return current;
            }

            if (_refreshToken is null)
            {
                throw new KubeConnectionException($"oidc auth-provider: the id-token {(_idToken is null ? "is missing" : "has expired or was refused")} and there is no refresh-token to renew it at {IssuerUrl}");
            }

            await RefreshAsync(_refreshToken, cancellationToken).ConfigureAwait(false);
            return _idToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate(string? token)
    {
        if (token is not null && string.Equals(token, Volatile.Read(ref _idToken), StringComparison.Ordinal))
        {
            _refused = true;
        }
    }

    private bool Expired(string idToken) =>
        ExpiryOf(idToken) is { } expiry && _time.GetUtcNow() + _expiryMargin >= expiry;

    // The JWT's exp claim; null when the token is not a JWT or has none (then only a 401 renews it).
    private static DateTimeOffset? ExpiryOf(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var claims = JsonDocument.Parse(Convert.FromBase64String(payload));
            return claims.RootElement.ValueKind == JsonValueKind.Object
                && claims.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private async Task RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var http = _http ??= CreateHttpClient();
        var endpoint = _tokenEndpoint ??= await DiscoverTokenEndpointAsync(http, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token"), new("refresh_token", refreshToken) };
        if (string.IsNullOrEmpty(_config.ClientSecret))
        {
            form.Add(new("client_id", _config.ClientId));
        }
        else
        {
            // client_secret_basic, the method every OAuth 2.0 server must support (RFC 6749 2.3.1).
            var pair = Uri.EscapeDataString(_config.ClientId) + ":" + Uri.EscapeDataString(_config.ClientSecret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        request.Content = new FormUrlEncodedContent(form);
        using var document = await SendAsync(http, request, "token endpoint", cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        if (!root.TryGetProperty("id_token", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } idToken)
        {
            throw new KubeConnectionException($"oidc auth-provider: the token endpoint {endpoint} answered without an id_token");
        }

        _idToken = idToken;
        if (root.TryGetProperty("refresh_token", out var refresh) && refresh.ValueKind == JsonValueKind.String && refresh.GetString() is { Length: > 0 } rotated)
        {
            _refreshToken = rotated;
        }

        _refused = false;
        Refreshes++;
    }

    private async Task<Uri> DiscoverTokenEndpointAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var discovery = new Uri(IssuerUrl.ToString().TrimEnd('/') + "/.well-known/openid-configuration");
        using var request = new HttpRequestMessage(HttpMethod.Get, discovery);
        using var document = await SendAsync(http, request, "discovery document", cancellationToken).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("token_endpoint", out var endpoint) || endpoint.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(endpoint.GetString(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new KubeConnectionException($"oidc auth-provider: {discovery} names no http(s) token_endpoint");
        }

        return uri;
    }

    // Sends to the issuer and parses a JSON object answer; an error names the status and the OAuth error code only.
    private static async Task<JsonDocument> SendAsync(HttpClient http, HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new KubeConnectionException($"oidc auth-provider: the issuer's {what} {request.RequestUri} cannot be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubeConnectionException($"oidc auth-provider: the issuer's {what} {request.RequestUri} did not answer in time", e);
        }

        using (response)
        {
            var body = await ReadLimitedAsync(response.Content, cancellationToken).ConfigureAwait(false);
            JsonDocument? document = null;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                // Not JSON: reported below by status, or as not JSON.
            }

            if (!response.IsSuccessStatusCode)
            {
                var code = document?.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                    ? $" ({error.GetString()})"
                    : "";
                document?.Dispose();
                throw new KubeConnectionException($"oidc auth-provider: the issuer's {what} {request.RequestUri} answered {(int)response.StatusCode}{code}");
            }

            if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document?.Dispose();
                throw new KubeConnectionException($"oidc auth-provider: the issuer's {what} {request.RequestUri} answered something that is not a JSON object");
            }

            return document;
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var copy = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (copy.Length + read > _maxResponseBytes)
                {
                    throw new KubeConnectionException($"oidc auth-provider: the issuer answered more than {_maxResponseBytes} bytes");
                }

                copy.Write(chunk, 0, read);
            }

            return copy.ToArray();
        }
    }

    private HttpClient CreateHttpClient()
    {
        var tls = new KubeTls(new KubeClientOptions { Server = IssuerUrl, CertificateAuthorityPem = _config.IssuerCertificateAuthorityPem });
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
            SslOptions = tls.CreateSslOptions(),
        };
        if (AllowAddress is { } allow)
        {
            handler.ConnectCallback = (context, ct) => KubeClient.ConnectAllowedAsync(context.DnsEndPoint, allow, ct);
        }

        return new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose()
    {
        _http?.Dispose();
        _gate.Dispose();
    }
}
