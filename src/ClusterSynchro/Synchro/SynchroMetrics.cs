using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>The synchro's instruments (meter <c>Clusterpedia.ClusterSynchro</c>), tagged by cluster and resource.</summary>
internal static class SynchroMetrics
{
    public const string MeterName = "Clusterpedia.ClusterSynchro";

    private static readonly Meter _meter = new(MeterName);
    private static readonly Counter<long> _added = _meter.CreateCounter<long>("clusterpedia.synchro.objects.added", "{object}", "Objects written that were not stored before.");
    private static readonly Counter<long> _updated = _meter.CreateCounter<long>("clusterpedia.synchro.objects.updated", "{object}", "Stored objects rewritten with a new resourceVersion.");
    private static readonly Counter<long> _deleted = _meter.CreateCounter<long>("clusterpedia.synchro.objects.deleted", "{object}", "Stored objects deleted.");
    private static readonly Counter<long> _watchRestarts = _meter.CreateCounter<long>("clusterpedia.synchro.watch.restarts", "{restart}", "Relists after an expired resourceVersion or a failure.");
    // Seconds, as Prometheus expects: a batch takes from about a millisecond (SQLite, a few rows) to seconds (a large page).
    private static readonly Histogram<double> _writeDuration = _meter.CreateHistogram("clusterpedia.synchro.write.duration", "s", "Duration of one batched storage write.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    public static void Added(string cluster, string resource, long n) => Add(_added, cluster, resource, n);

    public static void Updated(string cluster, string resource, long n) => Add(_updated, cluster, resource, n);

    public static void Deleted(string cluster, string resource, long n) => Add(_deleted, cluster, resource, n);

    /// <summary>A relist; <paramref name="reason"/> is <c>expired</c> (410) or <c>error</c>.</summary>
    public static void WatchRestarted(string cluster, string resource, string reason)
    {
        var tags = new TagList { { "cluster", cluster }, { "resource", resource }, { "reason", reason } };
        _watchRestarts.Add(1, tags);
    }

    public static void WriteTook(string cluster, TimeSpan elapsed) =>
        _writeDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("cluster", cluster));

    private static void Add(Counter<long> counter, string cluster, string resource, long n)
    {
        if (n > 0)
        {
            var tags = new TagList { { "cluster", cluster }, { "resource", resource } };
            counter.Add(n, tags);
        }
    }
}
