using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Clusterpedia.ClusterSynchro.Synchro;

namespace Clusterpedia.ClusterSynchro.Tests.Fixtures;

/// <summary>Listens to the synchro's watch-restart counter and sums the relists after a 410 per cluster.</summary>
public sealed class WatchRestartCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _byCluster = new(StringComparer.Ordinal);
    private long _errors;

    public WatchRestartCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SynchroMetrics.MeterName && instrument.Name == "clusterpedia.synchro.watch.restarts")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? cluster = null;
            var expired = false;
            foreach (var tag in tags)
            {
                cluster = tag.Key == "cluster" ? tag.Value as string : cluster;
                expired |= tag.Key == "reason" && tag.Value as string == "expired";
            }

            if (!expired)
            {
                Interlocked.Add(ref _errors, value);
            }

            if (cluster is not null && expired)
            {
                _byCluster.AddOrUpdate(cluster, value, (_, old) => old + value);
            }
        });
        _listener.Start();
    }

    public long For(string cluster) => _byCluster.GetValueOrDefault(cluster);

    /// <summary>Relists after failures other than 410, across clusters.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public void Dispose() => _listener.Dispose();
}
