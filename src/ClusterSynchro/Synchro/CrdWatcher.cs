using System.Text.Json;
using Clusterpedia.ClusterSynchro.Discovery;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Client;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Watches a member's CustomResourceDefinitions (through the <see cref="Reflector"/>) and asks for the cluster's
/// resources to be resolved again when one appears, changes or disappears. Stops when the member does not serve or
/// allow CRDs.
/// </summary>
internal sealed partial class CrdWatcher : IReflectorHandler
{
    private static readonly GroupVersionResource _crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    private static readonly string _collectionPath = $"{_crds.ApiPrefix}/{_crds.Resource}";

    private readonly string _cluster;
    private readonly ILogger _logger;
    private readonly Func<string> _resolvedKeys;
    private readonly HealthMonitor _monitor;
    private readonly List<CustomResourceDefinitionInfo> _listed = [];
    private bool _listing;

    /// <summary>resolvedKeys: the keys (<see cref="Keys"/>) of the CRDs the resources were last resolved with.</summary>
    public CrdWatcher(string cluster, Func<string> resolvedKeys, HealthMonitor monitor, ILogger logger)
    {
        _cluster = cluster;
        _resolvedKeys = resolvedKeys;
        _monitor = monitor;
        _logger = logger;
    }

    public Task RunAsync(KubeClient client, SynchroOptions options, TimeProvider time, CancellationToken ct)
    {
        var reflectorOptions = new ReflectorOptions { WatchTimeoutSeconds = options.WatchTimeoutSeconds, MaxBackoff = options.MaxBackoff };
        return new Reflector(client, _collectionPath, this, reflectorOptions, time).RunAsync(ct);
    }

    /// <summary>What identifies a set of CRDs for resolving: their plural.group names.</summary>
    public static string Keys(IReadOnlyList<CustomResourceDefinitionInfo>? crds) =>
        crds is null ? "" : string.Join(',', crds.Select(c => c.Plural + "." + c.Group).Order(StringComparer.Ordinal));

    /// <summary>The member's CRDs; null when the member does not serve or allow them.</summary>
    public static async Task<IReadOnlyList<CustomResourceDefinitionInfo>?> ListAsync(KubeClient client, CancellationToken ct)
    {
        var result = new List<CustomResourceDefinitionInfo>();
        try
        {
            await foreach (var page in client.ListAllPagesAsync(_collectionPath, new ListRequest { Limit = 500 }, ct).ConfigureAwait(false))
            {
                AddPage(result, page);
            }
        }
        catch (KubeApiException e) when (IsNotAvailable(e))
        {
            return null;
        }

        return result;
    }

    private static bool IsNotAvailable(Exception e) => e is KubeApiException { StatusCode: 403 or 404 };

    private static void AddPage(List<CustomResourceDefinitionInfo> result, ListPage page)
    {
        if (page.IsRestart)
        {
            result.Clear();
        }

        foreach (var item in page.Items)
        {
            using var doc = JsonDocument.Parse(item);
            if (CustomResourceDefinitionInfo.Parse(doc.RootElement) is { } crd)
            {
                result.Add(crd);
            }
        }
    }

    ValueTask<bool> IReflectorHandler.StartListAsync(CancellationToken cancellationToken)
    {
        _listing = true;
        _listed.Clear();
        return ValueTask.FromResult(true);
    }

    ValueTask IReflectorHandler.OnPageAsync(ListPage page, CancellationToken cancellationToken)
    {
        AddPage(_listed, page);
        return ValueTask.CompletedTask;
    }

    ValueTask IReflectorHandler.OnListedAsync(CancellationToken cancellationToken)
    {
        _listing = false;
        if (Keys(_listed) != _resolvedKeys())
        {
            _monitor.RequestResolve();
        }

        return ValueTask.CompletedTask;
    }

    ValueTask IReflectorHandler.OnEventAsync(ReflectedEvent watchEvent, CancellationToken cancellationToken)
    {
        // Discovery may lag the CRD by a moment: look now and once more shortly after.
        _monitor.RequestResolve();
        _monitor.ResolveAgainIn(TimeSpan.FromSeconds(2));
        return ValueTask.CompletedTask;
    }

    void IReflectorHandler.OnExpired() => LogCrdWatchExpired(_logger, _cluster);

    ReflectorErrorAction IReflectorHandler.OnError(Exception exception)
    {
        if (_listing && IsNotAvailable(exception))
        {
            return ReflectorErrorAction.Stop;
        }

        LogCrdWatchFailed(_logger, _cluster, exception);
        return ReflectorErrorAction.Backoff;
    }

    [LoggerMessage(EventId = 207, Level = LogLevel.Warning, Message = "Cluster {Cluster}: watching CustomResourceDefinitions failed; retrying")]
    private static partial void LogCrdWatchFailed(ILogger logger, string cluster, Exception exception);

    [LoggerMessage(EventId = 208, Level = LogLevel.Information, Message = "Cluster {Cluster}: the watch of CustomResourceDefinitions expired; listing again")]
    private static partial void LogCrdWatchExpired(ILogger logger, string cluster);
}
