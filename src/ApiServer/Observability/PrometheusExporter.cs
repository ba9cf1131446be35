using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Clusterpedia.ApiServer.Observability;

/// <summary>
/// Renders the measurements of our meters (names starting with "Clusterpedia") in the Prometheus text format.
/// Counters become <c>_total</c> series, histograms <c>_sum</c>/<c>_count</c>/<c>_bucket</c>, observable gauges are
/// read at scrape time. The registry has no Prometheus library, and this is all /metrics needs.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] _buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();
    private readonly Lock _scrape = new();

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("Clusterpedia", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public string Scrape()
    {
        lock (_scrape)
        {
            // Observable gauges report their current value into fresh series on every scrape.
            foreach (var key in _series.Keys.Where(k => k.Instrument is ObservableGauge<long> or ObservableGauge<double> or ObservableGauge<int>).ToList())
            {
                _series.TryRemove(key, out _);
            }

            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var group in _series.GroupBy(kv => kv.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
            {
                var instrument = group.Key;
                var name = MetricName(instrument.Name);
                var kind = instrument switch
                {
                    Counter<long> or Counter<int> or Counter<double> => "counter",
                    Histogram<long> or Histogram<int> or Histogram<double> => "histogram",
                    _ => "gauge",
                };
                var seriesName = kind == "counter" ? name + "_total" : name;
                text.Append(CultureInfo.InvariantCulture, $"# HELP {seriesName} {instrument.Description}\n");
                text.Append(CultureInfo.InvariantCulture, $"# TYPE {seriesName} {kind}\n");
                foreach (var (key, series) in group.OrderBy(kv => kv.Key.Labels, StringComparer.Ordinal))
                {
                    series.Write(text, seriesName, key.Labels, kind == "histogram");
                }
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        var series = _series.GetOrAdd((instrument, labels), _ => new Series());
        var gauge = instrument is ObservableGauge<long> or ObservableGauge<double> or ObservableGauge<int>;
        series.Add(value, instrument is Histogram<long> or Histogram<int> or Histogram<double>, replace: gauge);
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var parts = new List<string>(tags.Length);
        foreach (var (key, value) in tags)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            parts.Add($"{MetricName(key)}=\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private static string MetricName(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_')
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    /// <summary>One labelled series: a running sum (and count and buckets for histograms), or a last value.</summary>
    private sealed class Series
    {
        private readonly Lock _gate = new();
        private readonly long[] _bucketCounts = new long[_buckets.Length];
        private double _sum;
        private long _count;

        public void Add(double value, bool histogram, bool replace)
        {
            lock (_gate)
            {
                if (replace)
                {
                    _sum = value;
                    _count = 1;
                    return;
                }

                _sum += value;
                _count++;
                if (histogram)
                {
                    for (var i = 0; i < _buckets.Length; i++)
                    {
                        if (value <= _buckets[i])
                        {
                            _bucketCounts[i]++;
                        }
                    }
                }
            }
        }

        public void Write(StringBuilder text, string name, string labels, bool histogram)
        {
            lock (_gate)
            {
                if (!histogram)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{name}{Braces(labels)} {_sum.ToString(CultureInfo.InvariantCulture)}\n");
                    return;
                }

                for (var i = 0; i < _buckets.Length; i++)
                {
                    var le = $"le=\"{_buckets[i].ToString(CultureInfo.InvariantCulture)}\"";
                    text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{Braces(Join(labels, le))} {_bucketCounts[i]}\n");
                }

                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{Braces(Join(labels, "le=\"+Inf\""))} {_count}\n");
                text.Append(CultureInfo.InvariantCulture, $"{name}_sum{Braces(labels)} {_sum.ToString(CultureInfo.InvariantCulture)}\n");
                text.Append(CultureInfo.InvariantCulture, $"{name}_count{Braces(labels)} {_count}\n");
            }
        }

        private static string Join(string a, string b) => a.Length == 0 ? b : $"{a},{b}";

        private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";
    }
}
