using System.Data.Common;
using Clusterpedia.Kube;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// The store as the API sees it when PostgreSQL hot standbys serve reads: writes, and the synchro's resume reads, go to
/// the primary; searches, gets and change-feed reads go to a standby (round robin) that has replayed at least the
/// revision the request must not go below: the revision of its continue token, its resourceVersion, its watch's
/// position or the latest notified commit, and never less than the highest revision this process already served. A
/// standby that cannot show that within <see cref="StorageOptions.ReadReplicaMaxWait"/>, or fails, is skipped for
/// <see cref="StorageOptions.ReadReplicaRetryInterval"/> and the primary answers. Without standbys every read goes to
/// the primary and only the bookkeeping remains.
/// </summary>
internal sealed class ReadReplicaRouter : IResourceStorage, IResourceChangeFeed, IAsyncDisposable
{
    private static readonly TimeSpan _replayPoll = TimeSpan.FromMilliseconds(10);
    private readonly SqlResourceStorage _primary;
    private readonly ReadReplica[] _replicas;
    private readonly ReadReplicaStatus _status;
    private readonly StoreChangeNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxWait;
    private readonly TimeSpan _retryInterval;
    private readonly ILogger _logger;
    private long _served;
    private int _next;

    public ReadReplicaRouter(StorageEngine primary, StorageOptions options, ReadReplicaStatus status, ILoggerFactory? loggerFactory)
        : this(new SqlResourceStorage(primary), primary, options, status, loggerFactory)
    {
    }

    public ReadReplicaRouter(SqlResourceStorage primaryStorage, StorageEngine primary, StorageOptions options, ReadReplicaStatus status, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(options);
        _primary = primaryStorage;
        _status = status;
        _notifier = primary.Notifier;
        _time = primary.Time;
        _maxWait = options.ReadReplicaMaxWait;
        _retryInterval = options.ReadReplicaRetryInterval;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Clusterpedia.Storage");
        _replicas = [.. options.ReadConnectionStrings.Select(c => new ReadReplica(options, c, _time, loggerFactory))];
        status.SetConfigured(_replicas.Length);
        status.ReadSkippedFrom(() => _replicas.Count(r => r.IsSkipped(_time.GetUtcNow())));
        if (_replicas.Length > 0)
        {
            var names = string.Join(", ", _replicas.Select(r => r.Name));
            ReadReplicaLog.Configured(_logger, _replicas.Length, names);
        }
    }

    /// <summary>The highest store revision a read of this process returned.</summary>
    public long Served => Interlocked.Read(ref _served);

    public Task UpsertAsync(IReadOnlyList<ResourceRecord> records, CancellationToken cancellationToken) => _primary.UpsertAsync(records, cancellationToken);

    public Task DeleteAsync(IReadOnlyList<ResourceKey> keys, CancellationToken cancellationToken) => _primary.DeleteAsync(keys, cancellationToken);

    public Task UpsertFencedAsync(IReadOnlyList<ResourceRecord> records, WriteFence? fence, CancellationToken cancellationToken) =>
        _primary.UpsertFencedAsync(records, fence, cancellationToken);

    public Task DeleteFencedAsync(IReadOnlyList<ResourceKey> keys, WriteFence? fence, CancellationToken cancellationToken) =>
        _primary.DeleteFencedAsync(keys, fence, cancellationToken);

    public Task UpdateWorkloadsAsync(IReadOnlyList<WorkloadUpdate> updates, CancellationToken cancellationToken) => _primary.UpdateWorkloadsAsync(updates, cancellationToken);

    public Task DeleteClusterAsync(string cluster, CancellationToken cancellationToken) => _primary.DeleteClusterAsync(cluster, cancellationToken);

    public Task DeleteClusterResourceAsync(string cluster, GroupVersionResource resource, CancellationToken cancellationToken) =>
        _primary.DeleteClusterResourceAsync(cluster, resource, cancellationToken);

    // The synchro resumes from these: they must reflect its own latest writes, so the primary answers.
    public Task<IReadOnlyDictionary<(string Namespace, string Name), string>> GetResourceVersionsAsync(string cluster, GroupVersionResource resource, CancellationToken cancellationToken) =>
        _primary.GetResourceVersionsAsync(cluster, resource, cancellationToken);

    public Task<IReadOnlyList<GroupVersionResource>> GetClusterResourcesAsync(string cluster, CancellationToken cancellationToken) =>
        _primary.GetClusterResourcesAsync(cluster, cancellationToken);

    public Task<StoredResource?> GetAsync(ResourceKey key, CancellationToken cancellationToken) =>
        ReadAsync(Served, s => s.GetAsync(key, cancellationToken), _ => null, cancellationToken);

    public Task<ResourceListResult> ListAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var floor = Math.Max(Served, Math.Max(query.MinRevision ?? 0, ContinueToken.RevisionOf(query.Continue) ?? 0));
        return ReadAsync(floor, s => s.ListAsync(query, cancellationToken), r => r.Revision, cancellationToken);
    }

    /// <summary>An unlimited list streamed from a standby's reader, under the same floor as <see cref="ListAsync"/>.</summary>
    public Task<ResourceListReader> OpenListAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var floor = Math.Max(Served, Math.Max(query.MinRevision ?? 0, ContinueToken.RevisionOf(query.Continue) ?? 0));
        return ReadAsync(floor, s => s.OpenListAsync(query, cancellationToken), r => r.Revision, cancellationToken, discard: r => r.DisposeAsync());
    }

    public Task<ResourceChanges> GetChangesAsync(ResourceQuery query, long afterRevision, int limit, CancellationToken cancellationToken)
    {
        // The latest notified commit too: a watch woken by a notification must read at least what woke it.
        var floor = Math.Max(Served, Math.Max(afterRevision, _notifier.LatestRevision));
        return ReadAsync(floor, s => s.GetChangesAsync(query, afterRevision, limit, cancellationToken), r => r.Revision, cancellationToken);
    }

    /// <remarks>
    /// <paramref name="discard"/> releases a result read from a standby but refused as older than the floor (a
    /// streaming reader holding a connection); plain results need none.
    /// </remarks>
    private async Task<T> ReadAsync<T>(long floor, Func<SqlResourceStorage, Task<T>> read, Func<T, long?> revisionOf, CancellationToken cancellationToken, Func<T, ValueTask>? discard = null)
    {
        ReadReplica? lagging = null;
        long lagApplied = 0;
        if (Pick() is { } replica)
        {
            try
            {
                if (await ReplayedAsync(replica, floor, cancellationToken).ConfigureAwait(false))
                {
                    var result = await read(replica.Storage).ConfigureAwait(false);
                    var revision = revisionOf(result);
                    if (revision is null || revision >= floor)
                    {
                        if (revision is { } r)
                        {
                            replica.NoteApplied(r);
                            NoteServed(r);
                        }

                        _status.StandbyRead();
                        if (replica.Restore())
                        {
                            ReadReplicaLog.Recovered(_logger, replica.Name);
                        }

                        return result;
                    }

                    if (discard is not null)
                    {
                        await discard(result).ConfigureAwait(false);
                    }
                }

                lagging = replica;
                lagApplied = replica.Applied;
            }
            catch (Exception e) when (IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
            {
                Skip(replica);
                ReadReplicaLog.Unavailable(_logger, replica.Name, _retryInterval.TotalSeconds, e);
            }
        }

        if (_replicas.Length > 0)
        {
            _status.PrimaryFallback();
        }

        var fromPrimary = await read(_primary).ConfigureAwait(false);
        if (revisionOf(fromPrimary) is { } served)
        {
            NoteServed(served);
        }

        // Skipped only when the primary had what the standby lacked: a revision from the future (a made-up
        // resourceVersion) says nothing about the standby.
        if (lagging is not null && (revisionOf(fromPrimary) ?? long.MaxValue) >= floor)
        {
            Skip(lagging);
            ReadReplicaLog.Lagging(_logger, lagging.Name, lagApplied, floor, _maxWait.TotalMilliseconds, _retryInterval.TotalSeconds);
        }

        return fromPrimary;
    }

    /// <summary>Waits (bounded) until the standby has replayed <paramref name="floor"/>; false when it has not in time.</summary>
    private async Task<bool> ReplayedAsync(ReadReplica replica, long floor, CancellationToken cancellationToken)
    {
        if (replica.Applied >= floor)
        {
            return true;
        }

        var deadline = _time.GetUtcNow() + _maxWait;
        while (true)
        {
            if (await replica.ReadAppliedAsync(cancellationToken).ConfigureAwait(false) >= floor)
            {
                return true;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(_replayPoll, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The next standby in turn that is not skipped, or null (none configured, or all skipped).</summary>
    private ReadReplica? Pick()
    {
        if (_replicas.Length == 0)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)_replicas.Length);
        for (var i = 0; i < _replicas.Length; i++)
        {
            var replica = _replicas[(start + i) % _replicas.Length];
            if (!replica.IsSkipped(now))
            {
                return replica;
            }
        }

        return null;
    }

    private void Skip(ReadReplica replica) => replica.Skip(_time.GetUtcNow() + _retryInterval);

    private void NoteServed(long revision) => AtomicMax.Raise(ref _served, revision);

    // A standby that cannot answer: connection refused or broken, a server error (e.g. a query cancelled by a
    // recovery conflict), a timeout. Bad input (InvalidQueryException) is thrown before any connection and passes.
    private static bool IsUnavailable(Exception e) => e is DbException or IOException or TimeoutException or InvalidOperationException;

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync().ConfigureAwait(false);
        }
    }
}
