using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Hosted;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// The host cluster as the server's own ServiceAccount sees it (<c>Synchro:HostKubeconfig</c>, or in-cluster with <c>Synchro:HostInCluster</c>): where TokenReviews and
/// SubjectAccessReviews are posted, the extension-apiserver-authentication ConfigMap is read, and (installed) the serving
/// certificate Secret and the registrations that carry its CA are kept.
/// </summary>
internal sealed class HostApi(HostClusterOptions host, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private KubeClient? _client;

    public async Task<JsonNode?> PostAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var answer = await client.PostRawAsync(path, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(answer);
    }

    public async Task<JsonNode?> PutAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var answer = await client.PutRawAsync(path, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(answer);
    }

    public async Task<JsonNode?> GetAsync(string path, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(await client.GetRawAsync(path, cancellationToken).ConfigureAwait(false));
    }

    private async Task<KubeClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is null)
            {
                _client = new KubeClient(await HostConnection.LoadAsync(host, time, cancellationToken).ConfigureAwait(false), time);
            }

            return _client;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _gate.Dispose();
    }
}
