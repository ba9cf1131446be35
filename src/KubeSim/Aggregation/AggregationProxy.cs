using System.Net.Http.Headers;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Security;

namespace Clusterpedia.KubeSim.Aggregation;

/// <summary>
/// Forwards one request to an aggregated API server as kube-aggregator does: the caller's credentials and
/// impersonation headers are dropped, the authenticated user travels in X-Remote-* headers over a connection
/// authenticated by the front-proxy certificate, and the answer streams back as it arrives (watch events one by one).
/// </summary>
internal static class AggregationProxy
{
    // Hop-by-hop headers (RFC 9110 §7.6.1) and the ones this proxy owns.
    private static readonly HashSet<string> _dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding",
        "Upgrade", "Host", "Authorization",
    };

    public static async Task ProxyAsync(HttpContext context, Uri target, HttpClient client, UserInfo user)
    {
        var cancellationToken = context.RequestAborted;
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        if (HasBody(context.Request))
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (_dropped.Contains(name) || IsIdentityHeader(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values.AsEnumerable()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.AsEnumerable());
            }
        }

        SetUserHeaders(request.Headers, user);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new SimulatorApiException(503, "ServiceUnavailable", $"error trying to reach service: {Innermost(e).Message}");
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SimulatorApiException(503, "ServiceUnavailable", $"error trying to reach service: {e.Message}");
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            CopyHeaders(response.Headers, context.Response.Headers);
            CopyHeaders(response.Content.Headers, context.Response.Headers);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
                var buffer = new byte[16 * 1024];
                try
                {
                    int read;
                    while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        // Flushed per read: a watch event reaches the client when the backend sends it.
                        await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    // The backend went away mid-answer: the status line is sent, so the client sees a cut stream.
                    context.Abort();
                }
            }
        }
    }

    /// <summary>
    /// The headers that name the user, replaced by what the aggregator authenticated (as transport.SetAuthProxyHeaders).
    /// One value per group; HttpClient writes them as one comma-separated X-Remote-Group line (it cannot repeat a
    /// request header line), which <see cref="RequestHeaderAuthenticator"/> splits again.
    /// </summary>
    public static void SetUserHeaders(HttpRequestHeaders headers, UserInfo user)
    {
        headers.Remove("X-Remote-User");
        headers.Remove("X-Remote-Group");
        headers.TryAddWithoutValidation("X-Remote-User", user.Name);
        foreach (var group in user.Groups)
        {
            headers.TryAddWithoutValidation("X-Remote-Group", group);
        }

        foreach (var (key, values) in user.Extra)
        {
            var name = "X-Remote-Extra-" + Uri.EscapeDataString(key);
            foreach (var value in values)
            {
                headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    private static bool IsIdentityHeader(string name) =>
        name.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("X-Remote-", StringComparison.OrdinalIgnoreCase);

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;

    private static void CopyHeaders(HttpHeaders from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from)
        {
            if (!_dropped.Contains(name))
            {
                to[name] = values.ToArray();
            }
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
