using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Discovery;
using Clusterpedia.Kube;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Holds one PediaCluster's conditions and per-resource states, derives Ready from them, and writes them to the
/// PediaCluster's status: soon after a change, and every CountRefreshInterval while object counts move.
/// </summary>
internal sealed partial class ClusterStatusWriter : IDisposable
{
    private static readonly string[] _conditionOrder = ["Validated", "SynchroRunning", "ClusterHealthy", "Ready"];

    private readonly string _name;
    private readonly Func<PediaClusterSpec> _spec;
    private readonly IApiObjectStore _objects;
    private readonly SynchroOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ClusterCondition> _conditions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _dirty = new(0, 1);
    private List<ResourceSyncState> _states = [];
    private List<SkippedResource> _skipped = [];
    private string? _version;
    private bool _everReady;

    public ClusterStatusWriter(string name, Func<PediaClusterSpec> spec, IApiObjectStore objects, SynchroOptions options, TimeProvider time, ILogger logger)
    {
        _name = name;
        _spec = spec;
        _objects = objects;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>True while the Ready condition is True.</summary>
    public bool IsReady
    {
        get
        {
            lock (_gate)
            {
                return _conditions.TryGetValue("Ready", out var ready) && ready.Status;
            }
        }
    }

    /// <summary>True once the cluster was Ready at least once.</summary>
    public bool EverReady => Volatile.Read(ref _everReady);

    /// <summary>The member's version, once known.</summary>
    public string? Version
    {
        get => Volatile.Read(ref _version);
        set => Volatile.Write(ref _version, value);
    }

    /// <summary>The resources synced and those skipped, as the last resolve left them.</summary>
    public void SetResources(List<ResourceSyncState> states, List<SkippedResource> skipped)
    {
        lock (_gate)
        {
            _states = states;
            _skipped = skipped;
        }
    }

    /// <summary>A resource's state changed: Ready may have too, and the status is due.</summary>
    public void OnResourceChanged()
    {
        UpdateReady();
        MarkDirty();
    }

    public void Dispose() => _dirty.Dispose();

    /// <summary>Ready: valid, healthy, running, every resource listed once and none failing.</summary>
    public void UpdateReady()
    {
        List<ResourceSyncState> states;
        ClusterCondition? validated, healthy, running;
        lock (_gate)
        {
            states = _states;
            _conditions.TryGetValue("Validated", out validated);
            _conditions.TryGetValue("ClusterHealthy", out healthy);
            _conditions.TryGetValue("SynchroRunning", out running);
        }

        if (validated is { Status: false })
        {
            SetCondition("Ready", false, validated.Reason, validated.Message);
            return;
        }

        if (healthy is { Status: false })
        {
            SetCondition("Ready", false, "ClusterUnhealthy", healthy.Message);
            return;
        }

        if (running is not { Status: true })
        {
            SetCondition("Ready", false, "SynchroStopped", running?.Message ?? "the synchro has not started yet");
            return;
        }

        var snapshots = states.Select(s => (s, snap: s.Snapshot())).ToList();
        var errors = snapshots.Where(x => x.snap.Status == "Error").ToList();
        if (errors.Count > 0)
        {
            SetCondition("Ready", false, "SyncError", string.Join("; ", errors.Select(x => $"{x.s.Resource.Resource.GroupResource}: {x.snap.Message}")));
        }
        else if (states.All(s => s.InitialListDone))
        {
            Volatile.Write(ref _everReady, true);
            SetCondition("Ready", true, "Ready", "");
        }
        else
        {
            SetCondition("Ready", false, "Syncing", "the initial lists are not complete yet");
        }
    }

    public void SetCondition(string type, bool status, string reason, string message)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_conditions.TryGetValue(type, out var old))
            {
                if (old.Status == status && old.Reason == reason && old.Message == message)
                {
                    return;
                }

                now = old.Status == status ? old.LastTransitionTime : now;
            }

            _conditions[type] = new ClusterCondition(type, status, reason, message, now);
        }

        MarkDirty();
    }

    private void MarkDirty()
    {
        try
        {
            if (_dirty.CurrentCount == 0)
            {
                _dirty.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Writes the status whenever a condition changed (at most a few times a second), and while object counts move,
    /// every CountRefreshInterval.
    /// </summary>
    /// <remarks>
    /// A write that fails (a database error, or conflicts on every attempt) keeps the status owed: it is tried again
    /// after a growing pause (200 ms doubling to CountRefreshInterval, the pace of status refreshes anyway) even when
    /// nothing changes meanwhile,
    /// since the change that was not written (Ready turning False, say) may be the last one for a long time.
    /// </remarks>
    public async Task RunAsync(CancellationToken ct)
    {
        var writtenCounts = "";
        var owed = false;
        var pause = _writePause;
        while (!ct.IsCancellationRequested)
        {
            var signalled = await _dirty.WaitAsync(owed ? TimeSpan.Zero : _options.CountRefreshInterval, ct).ConfigureAwait(false);
            var counts = CountsKey();
            if (!signalled && !owed && counts == writtenCounts)
            {
                continue;
            }

            try
            {
                owed = !await WriteStatusAsync(ct).ConfigureAwait(false);
                if (owed)
                {
                    LogStatusConflicted(_logger, _name, _conflictAttempts);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                owed = true;
                LogStatusFailed(_logger, _name, e);
            }

            if (owed)
            {
                pause = pause * 2 > _options.CountRefreshInterval ? _options.CountRefreshInterval : pause * 2;
            }
            else
            {
                writtenCounts = counts;
                pause = _writePause;
            }

            await Task.Delay(pause, _time, ct).ConfigureAwait(false);
        }
    }

    private const int _conflictAttempts = 5;
    private static readonly TimeSpan _writePause = TimeSpan.FromMilliseconds(200);

    private string CountsKey()
    {
        List<ResourceSyncState> states;
        lock (_gate)
        {
            states = _states;
        }

        return string.Join(',', states.Select(s => s.ObjectCount.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Writes the status; false when every attempt met a concurrent update (the status is still owed).</summary>
    private async Task<bool> WriteStatusAsync(CancellationToken ct)
    {
        for (var attempt = 0; attempt < _conflictAttempts; attempt++)
        {
            var stored = await _objects.GetAsync(PediaClusterResource.StorageKey, _name, ct).ConfigureAwait(false);
            if (stored is null)
            {
                return true;
            }

            var obj = JsonNode.Parse(stored.Object.Span)!.AsObject();
            var status = BuildStatus();
            if (obj["status"] is JsonNode old && JsonNode.DeepEquals(old, status))
            {
                return true;
            }

            obj["status"] = status;
            try
            {
                await _objects.UpdateAsync(PediaClusterResource.StorageKey, _name, JsonSerializer.SerializeToUtf8Bytes(obj), stored.Revision, ct).ConfigureAwait(false);
                return true;
            }
            catch (ApiObjectConflictException)
            {
                // Someone updated the PediaCluster meanwhile; read it again.
            }
            catch (ApiObjectNotFoundException)
            {
                return true;
            }
        }

        return false;
    }

    private JsonObject BuildStatus()
    {
        List<ResourceSyncState> states;
        List<SkippedResource> skipped;
        List<ClusterCondition> conditions;
        DateTimeOffset skippedSince;
        lock (_gate)
        {
            states = _states;
            skipped = _skipped;
            conditions = [.. _conditions.Values];
            skippedSince = _conditions.TryGetValue("SynchroRunning", out var c) ? c.LastTransitionTime : _time.GetUtcNow();
        }

        var conditionArray = new JsonArray();
        foreach (var c in conditions.OrderBy(c => Array.IndexOf(_conditionOrder, c.Type)))
        {
            conditionArray.Add(new JsonObject
            {
                ["type"] = c.Type,
                ["status"] = c.Status ? "True" : "False",
                ["reason"] = c.Reason,
                ["message"] = c.Message,
                ["lastTransitionTime"] = Timestamp(c.LastTransitionTime),
            });
        }

        var rows = states.Select(s => (s.Resource, Condition: ResourceCondition(s)))
            .Concat(skipped.Select(s => (s.Resource, Condition: SkippedCondition(s, skippedSince))));
        var groups = new JsonArray();
        foreach (var g in rows.GroupBy(r => r.Resource.Resource.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var resources = new JsonArray();
            foreach (var (resource, condition) in g.OrderBy(r => r.Resource.Resource.Resource, StringComparer.Ordinal))
            {
                resources.Add(new JsonObject
                {
                    ["name"] = resource.Resource.Resource,
                    ["kind"] = resource.Kind,
                    ["namespaced"] = resource.Namespaced,
                    ["syncConditions"] = new JsonArray(condition),
                });
            }

            groups.Add(new JsonObject { ["group"] = g.Key, ["resources"] = resources });
        }

        var spec = _spec();
        var result = new JsonObject
        {
            ["apiserver"] = spec.ApiServer,
            ["conditions"] = conditionArray,
            ["syncResources"] = groups,
        };
        if (Version is { } version)
        {
            result["version"] = version;
        }

        return result;
    }

    private static JsonObject ResourceCondition(ResourceSyncState s)
    {
        var (status, reason, message, since) = s.Snapshot();
        var condition = new JsonObject
        {
            ["version"] = s.Resource.Resource.Version,
            ["storageVersion"] = s.Resource.Resource.Version,
            ["status"] = status,
            ["initialListPhase"] = !s.InitialListDone,
            ["objectCount"] = s.ObjectCount,
            ["lastTransitionTime"] = Timestamp(since),
        };
        if (reason is not null)
        {
            condition["reason"] = reason;
        }

        if (message is not null)
        {
            condition["message"] = message;
        }

        return condition;
    }

    private static JsonObject SkippedCondition(SkippedResource s, DateTimeOffset since) => new()
    {
        ["version"] = s.Resource.Resource.Version,
        ["status"] = "Stop",
        ["reason"] = s.Reason,
        ["message"] = s.Message,
        ["initialListPhase"] = false,
        ["lastTransitionTime"] = Timestamp(since),
    };

    private static string Timestamp(DateTimeOffset t) => KubeTime.Format(t);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Cluster {Cluster}: writing status failed")]
    private static partial void LogStatusFailed(ILogger logger, string cluster, Exception exception);

    [LoggerMessage(EventId = 209, Level = LogLevel.Warning, Message = "Cluster {Cluster}: writing status met a concurrent update {Attempts} times in a row; trying again")]
    private static partial void LogStatusConflicted(ILogger logger, string cluster, int attempts);
}
