using System.Text.Json;
using Clusterpedia.Kube;
using Clusterpedia.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>
/// Re-resolves the workloads of stored objects in the background: once at start (rows stored before the workload
/// columns existed, or under other plugins) and whenever <see cref="IWorkloadPlugins.Generation"/> moves (checked every
/// <see cref="PollInterval"/>). Pages of <see cref="PageSize"/> objects across all clusters, middle owners first so
/// their pods can follow them, and writes only the rows whose answer changed; the synchros never wait for it.
/// </summary>
public sealed partial class WorkloadReresolver(IResourceStorage storage, IWorkloadPlugins plugins, TimeProvider time, ILogger<WorkloadReresolver> logger)
    : BackgroundService
{
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var generation = plugins.Generation;
            if (generation != ResolvedGeneration)
            {
                try
                {
                    var changed = await ResolveAllAsync(stoppingToken).ConfigureAwait(false);
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
        var metadata = MetadataOf(item.Object.Span);
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

    /// <summary>The bytes of the object's <c>metadata</c> value (empty when it has none).</summary>
    private static ReadOnlySpan<byte> MetadataOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ObjectJsonLimits.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (isMetadata && json[start] == (byte)'{')
            {
                return json[start..(int)reader.BytesConsumed];
            }
        }

        return default;
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Workloads re-resolved under plugin generation {Generation}: {Changed} rows changed")]
    private static partial void LogPassDone(ILogger logger, long generation, long changed);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Re-resolving workloads under plugin generation {Generation} failed; retried shortly")]
    private static partial void LogPassFailed(ILogger logger, long generation, Exception exception);
}
