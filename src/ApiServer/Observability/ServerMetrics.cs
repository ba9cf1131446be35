using System.Diagnostics.Metrics;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.SyncState;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Observability;

/// <summary>The server's own instruments: requests by verb and code, request latency, cluster readiness, and whether watches are woken by PostgreSQL NOTIFY, and what read replicas serve.</summary>
internal sealed class ServerMetrics
{
    public const string MeterName = "Clusterpedia.ApiServer";

    // Seconds, from a fast indexed page (a few ms) to a long list; kube-apiserver's request latency buckets are similar.
    private static readonly double[] _latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public ServerMetrics(IMeterFactory meters, SyncedResourceCatalog catalog, IClusterSyncState synchros, StoreChangeNotifier changes, ReadReplicaStatus replicas)
    {
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("clusterpedia_apiserver_requests", description: "HTTP requests served, by verb and status code.");
        _duration = meter.CreateHistogram("clusterpedia_apiserver_request_duration", "s", "Time to serve a request, by verb.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = _latencyBuckets });
        meter.CreateObservableGauge("clusterpedia_clusters", () => (long)catalog.Clusters.Count, description: "Clusters whose resources are being synced.");
        meter.CreateObservableGauge("clusterpedia_clusters_not_ready", () => (long)synchros.NotReadyClusters().Count, description: "Clusters whose initial sync is not complete or that are unhealthy.");
        meter.CreateObservableGauge("clusterpedia_storage_listen_healthy", () => changes.Listening ? 1L : 0L,
            description: "1 while this process's PostgreSQL LISTEN connection is up (watches woken by any process's commit), 0 otherwise (watches poll).");
        meter.CreateObservableCounter("clusterpedia_storage_watch_wakeups", () => changes.WakeUps,
            description: "Times this process's watches were woken: its own commits and PostgreSQL notifications.");
        meter.CreateObservableGauge("clusterpedia_storage_read_replicas", () => (long)replicas.Configured,
            description: "PostgreSQL read replicas configured (Storage:ReadConnectionStrings).");
        meter.CreateObservableGauge("clusterpedia_storage_read_replicas_in_use", () => (long)replicas.InUse,
            description: "Read replicas serving reads now; the others are skipped (down or lagging) until their retry time.");
        meter.CreateObservableCounter("clusterpedia_storage_read_replica_reads", () => replicas.StandbyReads,
            description: "Reads (lists, gets, change-feed reads) a read replica served.");
        meter.CreateObservableCounter("clusterpedia_storage_read_replica_fallbacks", () => replicas.PrimaryFallbacks,
            description: "Reads the primary served although read replicas are configured, because every replica was down, lagging or skipped.");
    }

    public void Record(string verb, int code, TimeSpan elapsed)
    {
        var verbTag = new KeyValuePair<string, object?>("verb", verb);
        _requests.Add(1, verbTag, new KeyValuePair<string, object?>("code", code));
        _duration.Record(elapsed.TotalSeconds, verbTag);
    }
}
