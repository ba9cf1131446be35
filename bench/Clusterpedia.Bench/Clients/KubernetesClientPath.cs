using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Clusterpedia.Bench.Clients;

/// <summary>
/// KubernetesClient (the official .NET client). <c>generic</c>: the path a synchro of arbitrary resources would have
/// to take, the CustomObjects operations (group/version/plural, limit and continue) answering
/// <see cref="JsonElement"/>, with the core group reached the way KubernetesClient's own GenericClient reaches it
/// (a handler turning <c>/apis//v1</c> into <c>/api/v1</c>); each item's JSON is read back from the element without a
/// copy (its best case). <c>typed</c>: the reference, CoreV1 pods as <see cref="V1Pod"/>, re-serialized to JSON as
/// storage needs it. Watches are KubernetesClient's own <c>WatchList...Async</c> operations.
/// </summary>
internal sealed class KubernetesClientPath : IClientPath
{
    private readonly Kubernetes _client;
    private readonly bool _typed;

    public KubernetesClientPath(Uri server, string token, string caPem, bool typed)
    {
        var configuration = new KubernetesClientConfiguration
        {
            Host = server.ToString().TrimEnd('/'),
            AccessToken = token,
            SslCaCerts = [X509Certificate2.CreateFromPem(caPem)],
            HttpClientTimeout = TimeSpan.FromMinutes(10),
        };
        _typed = typed;
        _client = typed ? new Kubernetes(configuration) : new Kubernetes(configuration, new CoreGroupHandler());
    }

    public async Task<string> ListAsync(int limit, Action<string, string, string, int> onObject, CancellationToken cancellationToken)
    {
        string? next = null;
        string rv;
        do
        {
            if (_typed)
            {
                var page = await _client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: next, limit: limit, cancellationToken: cancellationToken);
                foreach (var pod in page.Items)
                {
                    OnTyped(pod, onObject);
                }

                rv = page.Metadata.ResourceVersion;
                next = page.Metadata.ContinueProperty;
            }
            else
            {
                var page = await _client.CustomObjects.ListClusterCustomObjectAsync<JsonElement>(
                    "", "v1", "pods", continueParameter: next, limit: limit, cancellationToken: cancellationToken);
                foreach (var item in page.GetProperty("items").EnumerateArray())
                {
                    OnGeneric(item, onObject);
                }

                var metadata = page.GetProperty("metadata");
                rv = metadata.GetProperty("resourceVersion").GetString()!;
                next = metadata.TryGetProperty("continue", out var token) ? token.GetString() : null;
            }
        }
        while (!string.IsNullOrEmpty(next));

        return rv;
    }

    public async Task WatchAsync(string resourceVersion, long events, Action<string, string, string, int> onObject, CancellationToken cancellationToken)
    {
        long seen = 0;
        if (_typed)
        {
            var watch = _client.CoreV1.WatchListPodForAllNamespacesAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: 600, cancellationToken: cancellationToken);
            await foreach (var (type, pod) in watch)
            {
                if (type != WatchEventType.Bookmark)
                {
                    OnTyped(pod, onObject);
                    if (++seen >= events)
                    {
                        return;
                    }
                }
            }
        }
        else
        {
            var watch = _client.CustomObjects.WatchListClusterCustomObjectAsync(
                "", "v1", "pods", allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: 600, cancellationToken: cancellationToken);
            await foreach (var (type, item) in watch)
            {
                if (type != WatchEventType.Bookmark)
                {
                    OnGeneric((JsonElement)item, onObject);
                    if (++seen >= events)
                    {
                        return;
                    }
                }
            }
        }

        throw new InvalidOperationException($"the watch ended after {seen} of {events} events");
    }

    private static void OnTyped(V1Pod pod, Action<string, string, string, int> onObject) =>
        onObject(pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name, pod.Metadata.ResourceVersion,
            Encoding.UTF8.GetByteCount(KubernetesJson.Serialize(pod)));

    private static void OnGeneric(JsonElement item, Action<string, string, string, int> onObject)
    {
        var metadata = item.GetProperty("metadata");
        var ns = metadata.TryGetProperty("namespace", out var n) ? n.GetString() ?? "" : "";
        onObject(ns, metadata.GetProperty("name").GetString()!, metadata.GetProperty("resourceVersion").GetString()!,
            JsonMarshal.GetRawUtf8Value(item).Length);
    }

    public void Dispose() => _client.Dispose();
}
