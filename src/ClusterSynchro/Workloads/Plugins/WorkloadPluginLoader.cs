using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.ClusterSynchro.SyncState;
using Clusterpedia.ClusterSynchro.Workloads.Lua;
using Clusterpedia.Kube;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Workloads.Plugins;

/// <summary>
/// Keeps <see cref="LuaWorkloadPlugins"/> equal to the stored WorkloadPlugin objects: at once on a write in this
/// process, and every <see cref="SynchroOptions.StorePollInterval"/> for writes of other replicas on the same
/// database. It writes each plugin's status (loaded, disabled, last error) back when it changes, so
/// <c>kubectl get workloadplugins</c> and <c>pediactl plugin list</c> show how the plugins fare.
/// </summary>
public sealed partial class WorkloadPluginLoader(
    IDatabaseObjectStore store, LuaWorkloadPlugins plugins, IOptions<SynchroOptions> options, TimeProvider time, ILogger<WorkloadPluginLoader> logger) : StoreFollower(options.Value.StorePollInterval, time, store)
{
    private static readonly JsonSerializerOptions _json = new() { WriteIndented = false };

    protected override bool Follows(string resource) => resource == WorkloadPluginResource.StorageKey;

    protected override void RefreshFailed(Exception exception) => LogRefreshFailed(logger, exception);

    /// <summary>One pass: load what is stored, unload what is gone, write changed statuses.</summary>
    protected override async Task RefreshAsync(CancellationToken ct)
    {
        var stored = await store.ListAsync(WorkloadPluginResource.StorageKey, ct).ConfigureAwait(false);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in stored)
        {
            names.Add(item.Name);
            var obj = JsonNode.Parse(item.Object.Span) as JsonObject;
            var spec = obj?["spec"] as JsonObject;
            var script = spec?["script"] is JsonValue s && s.TryGetValue<string>(out var text) ? text : null;
            var type = spec?["type"] is JsonValue t && t.TryGetValue<string>(out var typeText) ? typeText : null;
            if (obj is null || script is null || type != WorkloadPluginResource.TypeLua || obj["metadata"]?["deletionTimestamp"] is not null)
            {
                plugins.Unload(item.Name);
                continue;
            }

            var before = plugins.Generation;
            var status = plugins.Load(item.Name, script);
            if (plugins.Generation != before)
            {
                LogLoaded(logger, item.Name, status.Loaded, status.LastError);
            }

            await WriteStatusAsync(item, obj, status, ct).ConfigureAwait(false);
        }

        foreach (var name in plugins.Names.Where(n => !names.Contains(n)).ToList())
        {
            plugins.Unload(name);
            LogUnloaded(logger, name);
        }
    }

    private async Task WriteStatusAsync(ApiObject item, JsonObject obj, LuaPluginStatus status, CancellationToken ct)
    {
        var generation = obj["metadata"]?["generation"] is JsonValue g && g.TryGetValue<long>(out var gen) ? gen : 1;
        var desired = new JsonObject
        {
            ["loaded"] = status.Loaded,
            ["disabled"] = status.Disabled,
            ["consecutiveFailures"] = status.ConsecutiveFailures,
            ["failures"] = status.Failures,
            ["calls"] = status.Calls,
            ["observedGeneration"] = generation,
        };
        if (status.LastError is not null)
        {
            desired["error"] = status.LastError;
            desired["lastErrorTime"] = KubeTime.Format(status.LastErrorTime ?? Time.GetUtcNow());
        }

        if (status.LastErrorLine is { } line)
        {
            desired["errorLine"] = line;
        }

        // Counters alone do not make a write: the status changes when the plugin's state does.
        if (obj["status"] is JsonObject current && SameState(current, desired))
        {
            return;
        }

        obj["status"] = desired;
        try
        {
            await store.UpdateAsync(WorkloadPluginResource.StorageKey, item.Name, JsonSerializer.SerializeToUtf8Bytes(obj, _json), item.Revision, ct).ConfigureAwait(false);
        }
        catch (ApiObjectConflictException)
        {
            // Changed meanwhile: the next pass sees the new object and writes again.
            RefreshSoon();
        }
        catch (ApiObjectNotFoundException)
        {
        }
    }

    private static bool SameState(JsonObject current, JsonObject desired)
    {
        foreach (var key in new[] { "loaded", "disabled", "error", "errorLine", "lastErrorTime", "consecutiveFailures", "observedGeneration" })
        {
            if (!JsonNode.DeepEquals(current[key], desired[key]))
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Workload plugin {Name} loaded: {Loaded} {Error}")]
    private static partial void LogLoaded(ILogger logger, string name, bool loaded, string? error);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Workload plugin {Name} unloaded")]
    private static partial void LogUnloaded(ILogger logger, string name);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Reading the workload plugins failed; trying again on the next poll")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
