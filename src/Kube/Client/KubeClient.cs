using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Polly;
using Polly.Timeout;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// A thin REST client for one Kubernetes API server: version, raw GET, paged list and watch, and raw create,
/// replace and delete, objects kept as raw JSON bytes. One long-lived HttpClient per instance; transient failures
/// are retried by a Polly pipeline.
/// </summary>
public sealed class KubeClient : IDisposable
{
    internal const string JsonAccept = "application/json";

    private readonly KubeClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly HttpClient _http;
    private readonly KubeTls _tls;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly string _base;
    private readonly string? _hostHeader;

    /// <summary>Connects to the first address of the endpoint the filter allows; refused when it allows none.</summary>
    internal static async ValueTask<Stream> ConnectAllowedAsync(DnsEndPoint endpoint, Func<IPAddress, bool> allow, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, ct).ConfigureAwait(false);
        var allowed = addresses.Where(allow).ToList();
        if (allowed.Count == 0)
        {
            throw new HttpRequestException($"connections to {endpoint.Host} are not allowed by the outbound target policy");
        }

        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync([.. allowed], endpoint.Port, ct).ConfigureAwait(false);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public KubeClient(KubeClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Server.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"server URL must be http or https: {options.Server}", nameof(options));
        }

        if (options.ProxyUrl is { } proxy && proxy.Scheme is not ("http" or "https" or "socks5"))
        {
            throw new ArgumentException($"proxy URL must be http, https or socks5: {proxy.Scheme}://...", nameof(options));
        }

        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _tls = new KubeTls(options);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.GZip,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            EnableMultipleHttp2Connections = true,
            SslOptions = _tls.CreateSslOptions(),
        };
        if (options.ProxyUrl is { } proxyUrl)
        {
            handler.Proxy = new KubeProxy(proxyUrl);
            handler.UseProxy = true;
        }

        if (options.AllowAddress is { } allow)
        {
            // With a proxy the handler calls this for the proxy's endpoint: the policy then guards the proxy.
            handler.ConnectCallback = (context, ct) => ConnectAllowedAsync(context.DnsEndPoint, allow, ct);
        }

        _http = new HttpClient(handler, disposeHandler: true)
        {
            // Timeouts are per attempt (Polly) and, for watches, the idle watchdog: never HttpClient's global one.
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        _pipeline = KubeRetryPipeline.Create(options, _timeProvider);
        _base = options.Server.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _hostHeader = TlsServerNameHost(options);
    }

    // SocketsHttpHandler takes the TLS server name (SNI, and the name it verifies) from the Host header and overwrites
    // SslOptions.TargetHost with it, so tls-server-name can only be sent as SNI by naming it in the Host header.
    // client-go keeps the URL's host in the Host header; an API server does not look at it.
    private static string? TlsServerNameHost(KubeClientOptions options) =>
        options.Server.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(options.TlsServerName)
            ? options.Server.IsDefaultPort ? options.TlsServerName : $"{options.TlsServerName}:{options.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : null;

    public Uri Server => _options.Server;

    public KubeClientOptions Options => _options;

    public async Task<KubeVersionInfo> GetVersionAsync(CancellationToken cancellationToken)
    {
        var body = await GetRawAsync("/version", cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        return new KubeVersionInfo(
            Str(root, "gitVersion"), Str(root, "major"), Str(root, "minor"), Str(root, "platform"));

        static string Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
    }

    /// <summary>GET of a path relative to the server (e.g. <c>/api/v1</c>), the body as bytes.</summary>
    public Task<byte[]> GetRawAsync(string path, CancellationToken cancellationToken) =>
        GetRawAsync(path, JsonAccept, cancellationToken);

    /// <summary>GET with a specific Accept header (e.g. aggregated discovery); returns the body and its content type.</summary>
    public async Task<byte[]> GetRawAsync(string path, string accept, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(BuildUri(path, null), accept, cancellationToken).ConfigureAwait(false);
        return await ResponseBody.ReadAllAsync(response.Content, _options.RequestTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST of a JSON object to a collection path (create); returns the created object.</summary>
    public Task<byte[]> PostRawAsync(string collectionPath, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        SendForBodyAsync(HttpMethod.Post, collectionPath, body, cancellationToken);

    /// <summary>
    /// PUT of a JSON object to an object path (replace), or to its <c>/status</c> subresource; a 409 (stale
    /// resourceVersion) is a <see cref="KubeApiException"/> like every other non-2xx answer.
    /// </summary>
    public Task<byte[]> PutRawAsync(string objectPath, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        SendForBodyAsync(HttpMethod.Put, objectPath, body, cancellationToken);

    /// <summary>DELETE of an object path; returns the answer (the object while finalizers hold it, else a Status or the last state).</summary>
    public Task<byte[]> DeleteRawAsync(string objectPath, CancellationToken cancellationToken) =>
        SendForBodyAsync(HttpMethod.Delete, objectPath, null, cancellationToken);

    /// <summary>One page of a list; <paramref name="collectionPath"/> like <c>/apis/apps/v1/deployments</c>.</summary>
    public Task<ListPage> ListPageAsync(string collectionPath, ListRequest request, CancellationToken cancellationToken) =>
        ListPageAsync(collectionPath, request, pooled: false, cancellationToken);

    /// <summary>
    /// One page; <paramref name="pooled"/>: read into a rented buffer that <see cref="ListPage.Release"/> gives back
    /// (for a caller done with each page before it asks for the next).
    /// </summary>
    internal async Task<ListPage> ListPageAsync(string collectionPath, ListRequest request, bool pooled, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = BuildUri(collectionPath, ListQuery(request));
        using var response = await SendAsync(uri, JsonAccept, cancellationToken).ConfigureAwait(false);
        if (!pooled)
        {
            var body = await ResponseBody.ReadAllAsync(response.Content, _options.RequestTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            return ListPageParser.Parse(body);
        }

        var (buffer, length, rented) = await ResponseBody.ReadPooledAsync(response.Content, _options.RequestTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        try
        {
            var page = ListPageParser.Parse(buffer.AsMemory(0, length));
            return rented ? page.WithRented((buffer, length)) : page;
        }
        catch when (rented)
        {
            ResponseBody.Return(buffer, length);
            throw;
        }
    }

    /// <summary>
    /// Every page of a list, following continue tokens. When a continue token expires (410) the list restarts from
    /// the first page, flagged with <see cref="ListPage.IsRestart"/>.
    /// </summary>
    public IAsyncEnumerable<ListPage> ListAllPagesAsync(string collectionPath, ListRequest request, CancellationToken cancellationToken) =>
        ListAllPagesAsync(collectionPath, request, pooled: false, cancellationToken);

    /// <summary>
    /// As above; <paramref name="pooled"/>: each page is read into a rented buffer that the caller gives back with
    /// <see cref="ListPage.Release"/> once done with it, before asking for the next.
    /// </summary>
    internal async IAsyncEnumerable<ListPage> ListAllPagesAsync(
        string collectionPath, ListRequest request, bool pooled, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var next = request;
        var restart = false;
        while (true)
        {
            ListPage page;
            try
            {
                page = await ListPageAsync(collectionPath, next, pooled, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.IsExpired && next.Continue is not null && next.Continue != request.Continue)
            {
                next = request;
                restart = true;
                continue;
            }

            if (restart)
            {
                page = page.With(isRestart: true, page.Rented);
                restart = false;
            }

            if (page.Continue is not null && page.Continue == next.Continue)
            {
                page.Release();
                throw new EndlessListException(
                    $"list of {collectionPath} never ends: the member answered continue token '{Shorten(page.Continue)}' with the same token");
            }

            yield return page;
            if (page.Continue is null)
            {
                yield break;
            }

            // Later pages must not repeat resourceVersion: the continue token carries the snapshot.
            next = request with { Continue = page.Continue, ResourceVersion = null, ResourceVersionMatch = null };
        }
    }

    /// <summary>
    /// Watches a collection from <see cref="WatchRequest.ResourceVersion"/>. Ends when the server closes the stream;
    /// an ERROR event throws <see cref="KubeApiException"/>; silence longer than the idle timeout throws
    /// <see cref="WatchIdleTimeoutException"/>. Establishing the stream is retried, the stream itself never.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        string collectionPath, WatchRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = BuildUri(collectionPath, WatchQuery(request));
        using var response = await SendAsync(uri, JsonAccept, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new WatchStreamReader(stream, _options.WatchIdleTimeout, _timeProvider);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } watchEvent)
            {
                yield return watchEvent;
            }
        }
    }

    private static string Shorten(string token) => token.Length <= 64 ? token : token[..64] + "...";

    public void Dispose()
    {
        _http.Dispose();
        _tls.ClientCertificate?.Dispose();
    }

    internal Uri BuildUri(string path, string? query)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var sb = new StringBuilder(_base);
        if (path[0] != '/')
        {
            sb.Append('/');
        }

        sb.Append(path);
        if (!string.IsNullOrEmpty(query))
        {
            sb.Append(path.Contains('?', StringComparison.Ordinal) ? '&' : '?').Append(query);
        }

        return new Uri(sb.ToString(), UriKind.Absolute);
    }

    private async Task<byte[]> SendForBodyAsync(HttpMethod method, string path, ReadOnlyMemory<byte>? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, BuildUri(path, null), JsonAccept, body, cancellationToken).ConfigureAwait(false);
        return await ResponseBody.ReadAllAsync(response.Content, _options.RequestTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> SendAsync(Uri uri, string accept, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, uri, accept, null, cancellationToken);

    // Sends a request through the retry pipeline (the message is rebuilt per attempt); a non-2xx final answer
    // becomes KubeApiException with its Status. Writes are retried too: a replace carries its resourceVersion and a
    // repeated create or delete answers 409 or 404, so a retry after a lost answer never applies a change twice.
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, string accept, ReadOnlyMemory<byte>? body, CancellationToken cancellationToken)
    {
        if (_options.BearerTokenSource is not { } source)
        {
            return await SendOnceAsync(method, uri, accept, body, null, cancellationToken).ConfigureAwait(false);
        }

        var token = await source.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendOnceAsync(method, uri, accept, body, token, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == 401)
        {
            // An expired or rotated credential: as client-go does for exec plugins and token files, fetch it again
            // and try once more.
            source.Invalidate(token);
            var fresh = await source.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            if (string.Equals(fresh, token, StringComparison.Ordinal))
            {
                throw;
            }

            return await SendOnceAsync(method, uri, accept, body, fresh, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri uri, string accept, ReadOnlyMemory<byte>? body, string? token, CancellationToken cancellationToken)
    {
        token ??= _options.BearerToken;
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    using var message = new HttpRequestMessage(state.method, state.uri);
                    message.Headers.Accept.ParseAdd(state.accept);
                    if (state.body is { } content)
                    {
                        message.Content = new ReadOnlyMemoryContent(content);
                        message.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonAccept);
                    }

                    if (state.self._hostHeader is { } host)
                    {
                        message.Headers.Host = host;
                    }

                    if (!string.IsNullOrEmpty(state.token))
                    {
                        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", state.token);
                    }

                    return await state.self._http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                },
                (self: this, method, uri, accept, body, token),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TimeoutException($"{method} {uri} timed out after {_options.RequestTimeout.TotalSeconds:0.###}s", e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            throw new KubeConnectionException(
                $"TLS connection to {_options.Server} failed: {_tls.LastFailure ?? e.InnerException?.Message ?? e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new KubeConnectionException($"{method} {uri} failed: {e.Message}", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var error = await ResponseBody.ReadAllAsync(response.Content, _options.RequestTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            throw KubeStatus.FromResponse(response.StatusCode, error);
        }
    }

    private static string ListQuery(ListRequest request)
    {
        var q = new QueryBuilder();
        if (request.Limit is { } limit)
        {
            q.Add("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        q.Add("continue", request.Continue);
        q.Add("resourceVersion", request.ResourceVersion);
        q.Add("resourceVersionMatch", request.ResourceVersionMatch);
        q.Add("labelSelector", request.LabelSelector);
        q.Add("fieldSelector", request.FieldSelector);
        return q.ToString();
    }

    private static string WatchQuery(WatchRequest request)
    {
        var q = new QueryBuilder();
        q.Add("watch", "true");
        q.Add("resourceVersion", request.ResourceVersion);
        if (request.AllowWatchBookmarks)
        {
            q.Add("allowWatchBookmarks", "true");
        }

        if (request.TimeoutSeconds is { } timeout)
        {
            q.Add("timeoutSeconds", timeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        q.Add("labelSelector", request.LabelSelector);
        q.Add("fieldSelector", request.FieldSelector);
        return q.ToString();
    }
}
