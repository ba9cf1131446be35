using System.Globalization;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Workload;

/// <summary>
/// Keeps a cluster busy at a steady rate of writes, like a real one: mostly pod and ConfigMap updates, some ConfigMaps
/// created and deleted, now and then a pod deleted (its ReplicaSet replaces it). Seeded, so two runs write the same
/// sequence; paced by the TimeProvider in 50 ms ticks.
/// </summary>
internal sealed class ChurnGenerator : IAsyncDisposable
{
    private const string _annotation = "churn.kubesim.clusterpedia.io/tick";
    private static readonly GroupVersionResource _pods = new(string.Empty, "v1", "pods");
    private static readonly GroupVersionResource _configMaps = new(string.Empty, "v1", "configmaps");
    private static readonly GroupVersionResource _namespaces = new(string.Empty, "v1", "namespaces");
    private static readonly TimeSpan _tick = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan _refreshEvery = TimeSpan.FromSeconds(10);

    private readonly SimulatorStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private double _perSecond;
    private readonly Random _random;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _created = [];
    private List<ObjectVersion> _podSample = [];
    private List<ObjectVersion> _configMapSample = [];
    private List<string> _namespaceNames = [];
    private long _operations;
    private long _sequence;
    private Task _loop = Task.CompletedTask;

    public ChurnGenerator(SimulatorStore store, TimeProvider time, ILogger logger, double perSecond, int seed)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _perSecond = perSecond;
        _random = new Random(seed);
    }

    /// <summary>Target writes per second; may change while running.</summary>
    public double PerSecond
    {
        get => Volatile.Read(ref _perSecond);
        set => Volatile.Write(ref _perSecond, value);
    }

    /// <summary>Writes done so far.</summary>
    public long Operations => Interlocked.Read(ref _operations);

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var last = _time.GetTimestamp();
        var refreshed = DateTimeOffset.MinValue;
        var budget = 0.0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(_tick, _time, cancellationToken).ConfigureAwait(false);
            if (_time.GetUtcNow() - refreshed > _refreshEvery)
            {
                Refresh();
                refreshed = _time.GetUtcNow();
            }

            // Writes due since the last tick at the current rate; a slow tick catches up by at most a second's worth.
            var now = _time.GetTimestamp();
            var perSecond = PerSecond;
            budget = Math.Min(budget + (_time.GetElapsedTime(last, now).TotalSeconds * perSecond), Math.Max(1, perSecond));
            last = now;
            while (budget >= 1 && !cancellationToken.IsCancellationRequested)
            {
                budget--;
                try
                {
                    WriteOne();
                }
                catch (SimulatorApiException e) when (e.Code is 404 or 409)
                {
                    // The object went away (garbage collection, a test, a client); the sample is refreshed every 10 s.
                }
                catch (Exception e)
                {
                    Log.ChurnFailed(_logger, e);
                }

                Interlocked.Increment(ref _operations);
            }
        }
    }

    private void WriteOne()
    {
        var roll = _random.Next(100);
        var tick = (++_sequence).ToString(CultureInfo.InvariantCulture);
        if (roll < 65 && Pick(_podSample) is { } pod)
        {
            _store.Update(_pods, pod.Namespace, pod.Name, p =>
            {
                Annotations(p)[_annotation] = tick;
                return p;
            });
        }
        else if (roll < 80 && Pick(_configMapSample) is { } configMap)
        {
            _store.Update(_configMaps, configMap.Namespace, configMap.Name, cm =>
            {
                var data = cm["data"] as JsonObject ?? [];
                data["churn"] = tick;
                cm["data"] = data;
                return cm;
            });
        }
        else if (roll < 90 || _created.Count == 0)
        {
            var ns = _namespaceNames.Count == 0 ? "default" : _namespaceNames[_random.Next(_namespaceNames.Count)];
            var name = $"churn-{tick}";
            _store.Create(_configMaps, ns, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "kubesim-churn" } },
                ["data"] = new JsonObject { ["tick"] = tick, ["payload"] = new string('x', 256) },
            });
            _created.Add(ns + "/" + name);
        }
        else if (roll < 97)
        {
            var index = _random.Next(_created.Count);
            var key = _created[index];
            _created[index] = _created[^1];
            _created.RemoveAt(_created.Count - 1);
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            _store.Delete(_configMaps, key[..slash], key[(slash + 1)..]);
        }
        else if (Pick(_podSample) is { OwnerUids.Count: > 0 } owned)
        {
            _store.Delete(_pods, owned.Namespace, owned.Name);
        }
    }

    private ObjectVersion? Pick(List<ObjectVersion> sample) => sample.Count == 0 ? null : sample[_random.Next(sample.Count)];

    private void Refresh()
    {
        _podSample = Sample(_pods);
        _configMapSample = Sample(_configMaps);
        _namespaceNames = _store.List(_store.Resolve(_namespaces), new ListRequest(null, null, null, 0, null)).Items
            .Select(n => n.Name).Where(n => !n.StartsWith("kube-", StringComparison.Ordinal)).ToList();
    }

    private List<ObjectVersion> Sample(GroupVersionResource gvr)
    {
        ApiResource resource = _store.Resolve(gvr);
        return [.. _store.List(resource, new ListRequest(null, null, null, 0, null)).Items];
    }

    private static JsonObject Annotations(JsonObject obj)
    {
        var metadata = ObjectJson.Metadata(obj);
        var annotations = metadata["annotations"] as JsonObject ?? [];
        metadata["annotations"] = annotations;
        return annotations;
    }
}
