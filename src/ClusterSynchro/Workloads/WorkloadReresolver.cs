using System.Text.Json;
using Clusterpedia.Kube;
using Clusterpedia.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>
/// Re-resolves the workloads of stored objects in the background: at start (rows stored before the workload columns
/// existed, or under other plugins) and whenever <see cref="IWorkloadPlugins.Generation"/> moves (checked every
/// <see cref="PollInterval"/>). Pages of <see cref="PageSize"/> objects across all clusters, middle owners first so
/// their pods can follow them, and writes only the rows whose answer changed; the synchros never wait for it. A pass
/// that finishes records what the rows were resolved under (<see cref="Fingerprint"/>) in the database's own-object
/// store; a start that finds its own fingerprint there skips the pass, which on millions of stored pods would read
/// every one of them after every restart.
/// </summary>
public sealed partial class WorkloadReresolver(
    IResourceStorage storage, IWorkloadPlugins plugins, TimeProvider time, ILogger<WorkloadReresolver> logger, IDatabaseObjectStore? marks = null)
    : BackgroundService
{
    /// <summary>Where the fingerprint of the stored rows' resolution is kept (never served by the API).</summary>
    public const string MarkResource = "workloadresolutions.internal.clusterpedia.io";
    public const string MarkName = "stored-rows";

    // Bumped when the built-in rules (WorkloadRules) answer differently, so stored rows are resolved again.
    private const string _rulesVersion = "rules-1";

    // Middle owners before pods: a pod that follows its owner is compared with what the owner resolved to.
    private static readonly (GroupVersionResource Resource, ResourceTypeFilter Filter)[] _order =
    [
        (new("apps", "v1", "replicasets"), new("apps", null, "replicasets")),
        (new("batch", "v1", "jobs"), new("batch", null, "jobs")),
        (new("", "v1", "pods"), new("", null, "pods")),
    ];

    private readonly WorkloadResolver _resolver = new(plugins);
    private long _resolvedGeneration = -1;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public int PageSize { get; init; } = 500;

    /// <summary>The plugin generation the last finished pass resolved under (-1 before the first).</summary>
    public long ResolvedGeneration => Interlocked.Read(ref _resolvedGeneration);

    /// <summary>What stored rows resolved by <paramref name="plugins"/> and the built-in rules answer with.</summary>
    public static string Fingerprint(IWorkloadPlugins plugins)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        return _rulesVersion + ";" + plugins.Fingerprint;
    }

    /// <summary>Records that every stored row is resolved as <paramref name="plugins"/> resolve it (a loader that wrote them so).</summary>
    public static async Task MarkResolvedAsync(IDatabaseObjectStore marks, IWorkloadPlugins plugins, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marks);
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["fingerprint"] = Fingerprint(plugins) });
        try
        {
            await marks.UpdateAsync(MarkResource, MarkName, body, expectedRevision: null, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiObjectNotFoundException)
        {
            await marks.CreateAsync(MarkResource, MarkName, body, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The fingerprint recorded by the last finished pass, or null (none, or one is running or was cut short).</summary>
    public static async Task<string?> StoredFingerprintAsync(IDatabaseObjectStore marks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marks);
        if (await marks.GetAsync(MarkResource, MarkName, cancellationToken).ConfigureAwait(false) is not { } mark)
        {
            return null;
        }

        using var document = JsonDocument.Parse(mark.Object);
        return document.RootElement.TryGetProperty("fingerprint", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var generation = plugins.Generation;
            if (generation != ResolvedGeneration)
            {
                try
                {
                    var fingerprint = Fingerprint(plugins);
                    if (ResolvedGeneration == -1 && marks is not null
                        && await StoredFingerprintAsync(marks, stoppingToken).ConfigureAwait(false) == fingerprint)
                    {
                        Interlocked.Exchange(ref _resolvedGeneration, generation);
                        LogPassSkipped(logger, generation);
                        continue;
                    }

                    // Withdrawn first: a pass cut short must not leave the old fingerprint claiming every row.
                    if (marks is not null)
                    {
                        await marks.DeleteAsync(MarkResource, MarkName, stoppingToken).ConfigureAwait(false);
                    }

                    var changed = await ResolveAllAsync(stoppingToken).ConfigureAwait(false);
                    if (marks is not null && plugins.Generation == generation)
                    {
                        await MarkResolvedAsync(marks, plugins, stoppingToken).ConfigureAwait(false);
                    }

                    Interlocked.Exchange(ref _resolvedGeneration, generation);
                    LogPassDone(logger, generation, changed);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Retried at the next poll: the generation is still unresolved.
                    LogPassFailed(logger, generation, e);
                }
            }

            await Task.Delay(PollInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One pass over every stored pod and middle owner; returns how many rows changed.</summary>
    public async Task<long> ResolveAllAsync(CancellationToken cancellationToken)
    {
        var owners = new Dictionary<(string Cluster, string Uid), WorkloadColumns>();
        var changed = 0L;
        foreach (var (resource, filter) in _order)
        {
            string? token = null;
            do
            {
                var page = await storage.ListAsync(
                    new ResourceQuery { Group = "", Version = "", Resource = "", ResourceTypes = [filter], OnlyMetadata = true, Limit = PageSize, Continue = token },
                    cancellationToken).ConfigureAwait(false);
                var updates = new List<WorkloadUpdate>();
                foreach (var item in page.Items)
                {
                    if (Resolve(resource, item, owners) is { } update)
                    {
                        updates.Add(update);
                    }
                }

                await storage.UpdateWorkloadsAsync(updates, cancellationToken).ConfigureAwait(false);
                changed += updates.Count;
                token = page.Continue;
            }
            while (token is not null);
        }

        return changed;
    }

    private WorkloadUpdate? Resolve(GroupVersionResource resource, StoredResource item, Dictionary<(string Cluster, string Uid), WorkloadColumns> owners)
    {
        var metadata = WorkloadMetadata.MetadataOf(item.Object.Span);
        if (metadata.IsEmpty)
        {
            return null;
        }

        var read = WorkloadMetadata.Read(metadata);
        var workload = _resolver.Resolve(resource.Resource, item.Name, read.Controller, read.PodTemplateHash, metadata);
        if (workload.HandsDown)
        {
            owners[(item.Cluster, read.Uid)] = workload;
        }

        // What the row holds when it is right: a row that follows a stored owner holds the owner's answer.
        var expected = workload.FollowsOwner && read.Controller is { } c && owners.TryGetValue((item.Cluster, c.Uid), out var owner)
            ? owner
            : workload;
        if (string.Equals(expected.Kind, item.WorkloadKind, StringComparison.Ordinal) && string.Equals(expected.Name, item.WorkloadName, StringComparison.Ordinal))
        {
            return null;
        }

        return new WorkloadUpdate(item.Key, read.Uid, read.Controller?.Uid, item.ResourceVersion, workload);
    }


    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Workloads re-resolved under plugin generation {Generation}: {Changed} rows changed")]
    private static partial void LogPassDone(ILogger logger, long generation, long changed);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "Stored workloads were resolved under the rules and plugins loaded now (plugin generation {Generation}); no pass at start")]
    private static partial void LogPassSkipped(ILogger logger, long generation);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Re-resolving workloads under plugin generation {Generation} failed; retried shortly")]
    private static partial void LogPassFailed(ILogger logger, long generation, Exception exception);
}
