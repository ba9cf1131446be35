using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim.Services;

namespace Clusterpedia.KubeSim.Admission;

/// <summary>
/// Calls one webhook as kube-apiserver does: POSTs an AdmissionReview (admission.k8s.io/v1, or v1beta1 when that is the
/// only version the webhook accepts) over TLS to its URL or Service, verifying the caBundle, with <c>?timeout=Ns</c>
/// and a deadline of timeoutSeconds; then checks the answer (uid, kind, patch type). Anything wrong with the call or the
/// answer is a <see cref="WebhookCallException"/> worded like kube-apiserver's.
/// </summary>
internal sealed class WebhookCaller(ServiceEndpoints services, TimeProvider time)
{
    private const int _maxResponseBytes = 3 * 1024 * 1024;

    public async Task<WebhookResponse> CallAsync(WebhookInvocation invocation, AdmissionAttributes attributes, CancellationToken cancellationToken)
    {
        var webhook = invocation.Webhook;
        var timeout = TimeSpan.FromSeconds(webhook.TimeoutSeconds);
        var query = "?timeout=" + webhook.TimeoutSeconds.ToString(CultureInfo.InvariantCulture) + "s";
        var (url, serverName, display) = Target(webhook.Client, query);
        var uid = Guid.NewGuid().ToString();
        var review = AdmissionReview.Request(uid, webhook.ReviewVersion, invocation, attributes);

        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        if (url is null)
        {
            // serverName carries why the Service cannot be reached.
            throw new WebhookCallException($"failed to call webhook: Post \"{display}\": {serverName}");
        }

        string body;
        try
        {
            using var client = ServiceClients.Create(webhook.Client.CaBundlePem, insecureSkipTlsVerify: false, serverName, clientCertificate: null, Timeout.InfiniteTimeSpan);
            // A webhook's answer is read whole; a runaway one must not exhaust the simulator.
            client.MaxResponseContentBufferSize = _maxResponseBytes;
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(review.ToJsonString()));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            message.Headers.Accept.ParseAdd("application/json");
            using var response = await client.SendAsync(message, linked.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new WebhookCallException(
                    $"failed to call webhook: an error on the server (\"{Trim(body)}\") has prevented the request from succeeding");
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WebhookCallException($"failed to call webhook: Post \"{display}\": context deadline exceeded");
        }
        catch (HttpRequestException e)
        {
            throw new WebhookCallException($"failed to call webhook: Post \"{display}\": {Describe(e, url)}", e);
        }

        return Verify(uid, webhook, body);
    }

    /// <summary>The URL to call, the name its certificate must carry, and the URL as kube-apiserver names it in errors.</summary>
    private (Uri? Url, string ServerNameOrProblem, string Display) Target(WebhookClientConfig client, string query)
    {
        if (client.Url is { } url)
        {
            var withQuery = new Uri(url.GetLeftPart(UriPartial.Path) + query);
            return (withQuery, url.Host, withQuery.ToString());
        }

        var ns = client.ServiceNamespace ?? string.Empty;
        var name = client.ServiceName ?? string.Empty;
        var path = string.IsNullOrEmpty(client.ServicePath) ? "/" : client.ServicePath;
        var display = $"https://{name}.{ns}.svc:{client.ServicePort.ToString(CultureInfo.InvariantCulture)}{path}{query}";
        var resolved = services.Resolve(ns, name, client.ServicePort, client.ServicePath);
        return resolved.Url is { } target
            ? (new Uri(target.GetLeftPart(UriPartial.Path) + query), resolved.ServerName!, display)
            : (null, resolved.Problem ?? "service unavailable", display);
    }

    private static WebhookResponse Verify(string uid, AdmissionWebhook webhook, string body)
    {
        JsonObject review;
        try
        {
            review = JsonNode.Parse(body) as JsonObject ?? throw new WebhookCallException("failed to call webhook: the response is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new WebhookCallException($"failed to call webhook: {e.Message}");
        }

        const string invalid = "received invalid webhook response: ";
        if (review["response"] is not JsonObject response)
        {
            throw new WebhookCallException(invalid + "webhook response was absent");
        }

        var gotUid = Str(response, "uid") ?? string.Empty;
        if (gotUid != uid)
        {
            throw new WebhookCallException(invalid + $"expected response.uid=\"{uid}\", got \"{gotUid}\"");
        }

        var apiVersion = Str(review, "apiVersion") ?? string.Empty;
        var kind = Str(review, "kind") ?? string.Empty;
        if (webhook.ReviewVersion == "v1" && (apiVersion != "admission.k8s.io/v1" || kind != "AdmissionReview"))
        {
            var groupVersion = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion : "/" + apiVersion;
            throw new WebhookCallException(invalid + $"expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got {groupVersion}, Kind={kind}");
        }

        var patchText = Str(response, "patch");
        var patchType = Str(response, "patchType");
        JsonArray? patch = null;
        if (!string.IsNullOrEmpty(patchText))
        {
            if (!webhook.Mutating)
            {
                throw new WebhookCallException(invalid + "validating webhook may not return response.patch");
            }

            if (string.IsNullOrEmpty(patchType) && webhook.ReviewVersion == "v1")
            {
                throw new WebhookCallException(invalid + "webhook returned response.patch but not response.patchType");
            }

            if (!string.IsNullOrEmpty(patchType) && patchType != "JSONPatch")
            {
                throw new WebhookCallException(invalid + $"webhook returned invalid response.patchType of \"{patchType}\"");
            }

            try
            {
                patch = JsonNode.Parse(Convert.FromBase64String(patchText)) as JsonArray
                    ?? throw new WebhookCallException("received undecodable patch in webhook response: a JSON patch is an array");
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                throw new WebhookCallException($"received undecodable patch in webhook response: {e.Message}");
            }
        }

        var warnings = (response["warnings"] as JsonArray)?.Select(w => w?.GetValue<string>() ?? string.Empty).Where(w => w.Length > 0).ToList() ?? [];
        var allowed = response["allowed"] is JsonValue value && value.TryGetValue<bool>(out var yes) && yes;
        return new WebhookResponse(allowed, response["status"] as JsonObject, patch, warnings);
    }

    // Go's net error texts, which is what kube-apiserver users see and search for.
    private static string Describe(HttpRequestException e, Uri url)
    {
        if (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return $"dial tcp {url.Host}:{url.Port.ToString(CultureInfo.InvariantCulture)}: connect: connection refused";
        }

        if (e.InnerException is AuthenticationException)
        {
            return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
        }

        return e.InnerException?.Message ?? e.Message;
    }

    private static string Trim(string body) => body.Length > 256 ? body[..256] : body.Trim();

    private static string? Str(JsonObject? obj, string property) =>
        obj?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
