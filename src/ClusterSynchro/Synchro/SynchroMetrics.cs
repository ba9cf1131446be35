using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// The synchro's instruments (meter <c>Clusterpedia.ClusterSynchro</c>), tagged by cluster and resource. The meter
/// comes from the host's <see cref="IMeterFactory"/>, so it lives and dies with the service provider (two servers in
/// one process, as the tests run them, each have their own) and the Prometheus exporter finds it by name.
/// </summary>
public sealed class SynchroMetrics
{
    public const string MeterName = "Clusterpedia.ClusterSynchro";

    // Seconds, as Prometheus expects: a batch takes from about a millisecond (SQLite, a few rows) to seconds (a large page).
    private static readonly double[] _writeBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _added;
    private readonly Counter<long> _updated;
    private readonly Counter<long> _deleted;
    private readonly Counter<long> _watchRestarts;
    private readonly Histogram<double> _writeDuration;
    private readonly UpDownCounter<long> _leasesHeld;
    private readonly Counter<long> _takeovers;

    public SynchroMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _added = meter.CreateCounter<long>("clusterpedia.synchro.objects.added", "{object}", "Objects written that were not stored before.");
        _updated = meter.CreateCounter<long>("clusterpedia.synchro.objects.updated", "{object}", "Stored objects rewritten with a new resourceVersion.");
        _deleted = meter.CreateCounter<long>("clusterpedia.synchro.objects.deleted", "{object}", "Stored objects deleted.");
        _watchRestarts = meter.CreateCounter<long>("clusterpedia.synchro.watch.restarts", "{restart}", "Relists after an expired resourceVersion or a failure.");
        _writeDuration = meter.CreateHistogram("clusterpedia.synchro.write.duration", "s", "Duration of one batched storage write.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = _writeBuckets });
        _leasesHeld = meter.CreateUpDownCounter<long>("clusterpedia.synchro.leases.held", "{lease}", "Cluster leases this synchro replica holds (sharding).");
        _takeovers = meter.CreateCounter<long>("clusterpedia.synchro.lease.takeovers", "{lease}", "Cluster leases taken over from another replica (expired or released).");
    }

    /// <summary>A cluster lease was won (<paramref name="takeover"/>: from another holder) or lost.</summary>
    public void LeaseHeld(bool held, bool takeover = false)
    {
        _leasesHeld.Add(held ? 1 : -1);
        if (held && takeover)
        {
            _takeovers.Add(1);
        }
    }

    public void Added(string cluster, string resource, long n) => Add(_added, cluster, resource, n);

    public void Updated(string cluster, string resource, long n) => Add(_updated, cluster, resource, n);

    public void Deleted(string cluster, string resource, long n) => Add(_deleted, cluster, resource, n);

    /// <summary>A relist; <paramref name="reason"/> is <c>expired</c> (410) or <c>error</c>.</summary>
    public void WatchRestarted(string cluster, string resource, string reason)
    {
        var tags = new TagList { { "cluster", cluster }, { "resource", resource }, { "reason", reason } };
        _watchRestarts.Add(1, tags);
    }

    /// <summary>One batched write took <paramref name="elapsed"/>; recorded in seconds.</summary>
    public void WriteTook(string cluster, TimeSpan elapsed) =>
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
