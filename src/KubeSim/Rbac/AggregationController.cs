using System.Text.Json.Nodes;
using System.Threading.Channels;
using Clusterpedia.Kube.Rbac;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>
/// kube-controller-manager's clusterrole-aggregation controller: a ClusterRole with an aggregationRule gets as rules the
/// union (first occurrence kept, in name order) of the rules of every ClusterRole its selectors match, written back to
/// the store whenever a ClusterRole changes.
/// </summary>
internal sealed class AggregationController : IAsyncDisposable
{
    private readonly SimulatorStore _store;
    private readonly ILogger _logger;
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public AggregationController(SimulatorStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
    }

    /// <summary>Aggregates once (so the defaults are complete when the server starts) and then on every change.</summary>
    public void Start()
    {
        // Roles aggregate roles that aggregate (admin takes edit, which takes view): repeat until nothing changes.
        for (var pass = 0; pass < 10; pass++)
        {
            if (!Reconcile())
            {
                break;
            }
        }

        _store.AddObserver(e =>
        {
            if (e.GroupResource == "clusterroles.rbac.authorization.k8s.io")
            {
                _changes.Writer.TryWrite(true);
            }
        });
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
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
        await foreach (var change in _changes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                Reconcile();
            }
            catch (Exception e) when (e is SimulatorApiException or InvalidOperationException)
            {
                // A role deleted or changed meanwhile: the write that did it queued another pass.
                RbacLog.AggregationFailed(_logger, e);
            }
        }
    }

    /// <summary>One pass over the aggregated ClusterRoles; true when one was rewritten.</summary>
    private bool Reconcile()
    {
        var changed = false;
        var roles = _store.List(RbacPolicy.ClusterRoles).OrderBy(r => Name(r), StringComparer.Ordinal).ToList();
        foreach (var role in roles)
        {
            if (role["aggregationRule"]?["clusterRoleSelectors"] is not JsonArray selectors)
            {
                continue;
            }

            var name = Name(role);
            var union = new List<PolicyRule>();
            foreach (var source in roles)
            {
                if (Name(source) == name || !selectors.Any(s => LabelSelector.Matches(s, source["metadata"]?["labels"])))
                {
                    continue;
                }

                foreach (var rule in PolicyRule.ParseAll(source["rules"]))
                {
                    if (!union.Any(r => r.SameAs(rule)))
                    {
                        union.Add(rule);
                    }
                }
            }

            var current = PolicyRule.ParseAll(role["rules"]);
            if (current.Count == union.Count && current.Zip(union).All(p => p.First.SameAs(p.Second)))
            {
                continue;
            }

            _store.Update(RbacPolicy.ClusterRoles, null, name, obj =>
            {
                obj["rules"] = new JsonArray([.. union.Select(r => (JsonNode)r.ToJson())]);
                return obj;
            });
            RbacLog.Aggregated(_logger, name, union.Count);
            changed = true;
        }

        return changed;
    }

    private static string Name(JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
}
