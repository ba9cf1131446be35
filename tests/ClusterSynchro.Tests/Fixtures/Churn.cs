using System.Globalization;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ClusterSynchro.Tests.Fixtures;

/// <summary>
/// Changes a simulator's objects in-process at a steady rate: configmaps created and deleted, pods relabelled and
/// deleted. Deterministic per seed. Returns how many changes were made.
/// </summary>
public sealed class Churn(SimulatedCluster sim, int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<(string Namespace, string Name)> _pods = [];
    private readonly List<(string Namespace, string Name)> _configMaps = [];
    private readonly List<string> _namespaces = [];
    private int _next;

    public async Task<int> RunAsync(int perSecond, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        foreach (var p in sim.Store.List(SimResources.Pods))
        {
            _pods.Add(((string)p["metadata"]!["namespace"]!, (string)p["metadata"]!["name"]!));
        }

        _namespaces.AddRange(_pods.Select(p => p.Namespace).Distinct());
        var changes = 0;
        var started = DateTime.UtcNow;
        var tick = TimeSpan.FromMilliseconds(50);
        var perTick = Math.Max(1, perSecond / 20);
        while (DateTime.UtcNow - started < duration)
        {
            for (var i = 0; i < perTick; i++)
            {
                changes += Change() ? 1 : 0;
            }

            var due = started + (tick * (changes / perTick + 1));
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
        }

        return changes;
    }

    private bool Change()
    {
        var roll = _random.Next(100);
        try
        {
            if (roll < 35 && _pods.Count > 0)
            {
                var (ns, name) = _pods[_random.Next(_pods.Count)];
                sim.Store.Update(SimResources.Pods, ns, name, pod =>
                {
                    var metadata = (JsonObject)pod["metadata"]!;
                    var labels = metadata["labels"] as JsonObject ?? [];
                    metadata["labels"] = labels;
                    labels["churn"] = (++_next).ToString(CultureInfo.InvariantCulture);
                    return pod;
                });
            }
            else if (roll < 45 && _pods.Count > 0)
            {
                var index = _random.Next(_pods.Count);
                var (ns, name) = _pods[index];
                _pods.RemoveAt(index);
                sim.Store.Delete(SimResources.Pods, ns, name);
            }
            else if (roll < 75 || _configMaps.Count == 0)
            {
                var ns = _namespaces[_random.Next(_namespaces.Count)];
                var name = "churn-" + (++_next).ToString(CultureInfo.InvariantCulture);
                sim.Store.Create(SimResources.ConfigMaps, ns, new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "ConfigMap",
                    ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
                    ["data"] = new JsonObject { ["n"] = name },
                });
                _configMaps.Add((ns, name));
            }
            else if (roll < 90)
            {
                var (ns, name) = _configMaps[_random.Next(_configMaps.Count)];
                sim.Store.Update(SimResources.ConfigMaps, ns, name, cm =>
                {
                    cm["data"] = new JsonObject { ["n"] = (++_next).ToString(CultureInfo.InvariantCulture) };
                    return cm;
                });
            }
            else
            {
                var index = _random.Next(_configMaps.Count);
                var (ns, name) = _configMaps[index];
                _configMaps.RemoveAt(index);
                sim.Store.Delete(SimResources.ConfigMaps, ns, name);
            }

            return true;
        }
        catch (SimulatorApiException)
        {
            // E.g. a pod the garbage collector removed with its owner.
            return false;
        }
    }
}
