using System.Globalization;
using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// The Ready count, Status reason and restart total of a pod, computed with the rules of kube's printPod
/// (init containers, restartable sidecars, container states walked last to first, deletion overrides).
/// </summary>
internal readonly record struct PodSummary(int ReadyContainers, int TotalContainers, string Reason, long Restarts, DateTimeOffset? LastRestart)
{
    public static PodSummary Of(JsonElement pod)
    {
        var spec = pod.Prop("spec");
        var status = pod.Prop("status");
        var phase = status.Prop("phase").Str();
        var reason = phase;
        var statusReason = status.Prop("reason").Str();
        if (statusReason.Length > 0)
        {
            reason = statusReason;
        }

        var sidecars = new HashSet<string>(StringComparer.Ordinal);
        var initContainerCount = 0;
        foreach (var init in spec.Prop("initContainers").Items())
        {
            initContainerCount++;
            if (init.Prop("restartPolicy").Str() == "Always")
            {
                sidecars.Add(init.Prop("name").Str());
            }
        }

        var total = spec.Prop("containers").Length() + sidecars.Count;
        var ready = 0;

        foreach (var condition in status.Prop("conditions").Items())
        {
            if (condition.Prop("type").Str() == "PodScheduled" && condition.Prop("reason").Str() == "SchedulingGated")
            {
                reason = "SchedulingGated";
            }
        }

        long restarts = 0;
        long sidecarRestarts = 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? sidecarLastRestart = null;
        var initializing = false;
        var index = 0;
        foreach (var container in status.Prop("initContainerStatuses").Items())
        {
            var restartCount = container.Prop("restartCount").Long();
            restarts += restartCount;
            var finished = container.Prop("lastState").Prop("terminated");
            var finishedAt = finished.IsSet() ? finished.Prop("finishedAt").Time() : null;
            lastRestart = Latest(lastRestart, finishedAt);

            var isSidecar = sidecars.Contains(container.Prop("name").Str());
            if (isSidecar)
            {
                sidecarRestarts += restartCount;
                sidecarLastRestart = Latest(sidecarLastRestart, finishedAt);
            }

            var terminated = container.Prop("state", "terminated");
            var waiting = container.Prop("state", "waiting");
            if (terminated.IsSet() && terminated.Prop("exitCode").Long() == 0)
            {
                index++;
                continue;
            }

            if (isSidecar && container.Prop("started").Bool())
            {
                if (container.Prop("ready").Bool())
                {
                    ready++;
                }

                index++;
                continue;
            }

            initializing = true;
            if (terminated.IsSet())
            {
                var terminatedReason = terminated.Prop("reason").Str();
                reason = terminatedReason.Length > 0
                    ? "Init:" + terminatedReason
                    : TerminatedWithoutReason("Init:", terminated);
            }
            else if (waiting.IsSet() && waiting.Prop("reason").Str() is { Length: > 0 } waitingReason && waitingReason != "PodInitializing")
            {
                reason = "Init:" + waitingReason;
            }
            else
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"Init:{index}/{initContainerCount}");
            }

            break;
        }

        if (!initializing || HasCondition(status, "Initialized"))
        {
            restarts = sidecarRestarts;
            lastRestart = sidecarLastRestart;
            var hasRunning = false;
            var statuses = new List<JsonElement>();
            foreach (var container in status.Prop("containerStatuses").Items())
            {
                statuses.Add(container);
            }

            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var container = statuses[i];
                restarts += container.Prop("restartCount").Long();
                var finished = container.Prop("lastState").Prop("terminated");
                if (finished.IsSet())
                {
                    lastRestart = Latest(lastRestart, finished.Prop("finishedAt").Time());
                }

                var waiting = container.Prop("state", "waiting");
                var terminated = container.Prop("state", "terminated");
                if (waiting.IsSet() && waiting.Prop("reason").Str().Length > 0)
                {
                    reason = waiting.Prop("reason").Str();
                }
                else if (terminated.IsSet() && terminated.Prop("reason").Str().Length > 0)
                {
                    reason = terminated.Prop("reason").Str();
                }
                else if (terminated.IsSet())
                {
                    reason = TerminatedWithoutReason(string.Empty, terminated);
                }
                else if (container.Prop("ready").Bool() && container.Prop("state", "running").IsSet())
                {
                    hasRunning = true;
                    ready++;
                }
            }

            // A pod whose main container completed while a sidecar or another container still runs is not done.
            if (reason == "Completed" && hasRunning)
            {
                reason = HasCondition(status, "Ready") ? "Running" : "NotReady";
            }
        }

        if (pod.Prop("metadata", "deletionTimestamp").IsSet())
        {
            if (statusReason == "NodeLost")
            {
                reason = "Unknown";
            }
            else if (phase is not ("Succeeded" or "Failed"))
            {
                reason = "Terminating";
            }
        }

        return new PodSummary(ready, total, reason, restarts, lastRestart);
    }

    private static string TerminatedWithoutReason(string prefix, JsonElement terminated)
    {
        var signal = terminated.Prop("signal").Long();
        return signal != 0
            ? string.Create(CultureInfo.InvariantCulture, $"{prefix}Signal:{signal}")
            : string.Create(CultureInfo.InvariantCulture, $"{prefix}ExitCode:{terminated.Prop("exitCode").Long()}");
    }

    private static bool HasCondition(JsonElement status, string type)
    {
        foreach (var condition in status.Prop("conditions").Items())
        {
            if (condition.Prop("type").Str() == type && condition.Prop("status").Str() == "True")
            {
                return true;
            }
        }

        return false;
    }

    private static DateTimeOffset? Latest(DateTimeOffset? current, DateTimeOffset? candidate) =>
        candidate is { } value && (current is null || value > current.Value) ? value : current;
}
