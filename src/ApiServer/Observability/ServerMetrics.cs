using System.Diagnostics.Metrics;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.Synchro;

namespace Clusterpedia.ApiServer.Observability;

/// <summary>The server's own instruments: requests by verb and code, request latency, and cluster readiness.</summary>
internal sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "Clusterpedia.ApiServer";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public ServerMetrics(SyncedResourceCatalog catalog, ClusterSynchroManager synchros)
    {
        _requests = _meter.CreateCounter<long>("clusterpedia_apiserver_requests", description: "HTTP requests served, by verb and status code.");
        _duration = _meter.CreateHistogram<double>("clusterpedia_apiserver_request_duration_seconds", "s", "Time to serve a request, by verb.");
        _meter.CreateObservableGauge("clusterpedia_clusters", () => (long)catalog.Clusters.Count, description: "Clusters whose resources are being synced.");
        _meter.CreateObservableGauge("clusterpedia_clusters_not_ready", () => (long)synchros.NotReadyClusters().Count, description: "Clusters whose initial sync is not complete or that are unhealthy.");
    }

    public void Record(string verb, int code, TimeSpan elapsed)
    {
        var verbTag = new KeyValuePair<string, object?>("verb", verb);
        _requests.Add(1, verbTag, new KeyValuePair<string, object?>("code", code));
        _duration.Record(elapsed.TotalSeconds, verbTag);
    }

    public void Dispose() => _meter.Dispose();
}
