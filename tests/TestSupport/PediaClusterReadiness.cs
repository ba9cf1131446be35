using System.Text.Json;

namespace Clusterpedia.TestSupport;

/// <summary>Waits until a server reports a PediaCluster Ready, reading it through the server's own API.</summary>
public static class PediaClusterReadiness
{
    /// <summary>
    /// Polls <c>GET pediaclusters/{cluster}</c> until its Ready condition is True. A refused connection (a server
    /// process still starting or restarting) counts as not ready yet; the last answer is in the timeout's message.
    /// </summary>
    public static Task WaitAsync(HttpClient http, Uri server, string cluster, TimeSpan timeout)
    {
        var last = "";
        return Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(server, $"/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/{cluster}"));
                    last = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        return false;
                    }

                    using var doc = JsonDocument.Parse(last);
                    return doc.RootElement.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions) &&
                        conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
                }
                catch (HttpRequestException e)
                {
                    last = e.Message;
                    return false;
                }
            },
            timeout,
            () => Task.FromResult($"PediaCluster {cluster} did not become Ready; last seen: {last}"),
            TimeSpan.FromMilliseconds(200));
    }
}
