using Clusterpedia.ClusterSynchro.Resources;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>One resource of a cluster synchro: its status and, while it runs, the task of its resource synchro.</summary>
internal sealed class RunningResource(SyncedResource resource, ResourceSyncState state, string excludeKey)
{
    private CancellationTokenSource? _cts;
    private Task? _task;

    public SyncedResource Resource => resource;

    public ResourceSyncState State => state;

    /// <summary>The namespace exclusions it runs with; a change restarts it.</summary>
    public string ExcludeKey => excludeKey;

    public bool IsRunning => _task is not null;

    public void Start(Func<CancellationToken, Task> run, CancellationToken ct)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = _cts.Token;
        _task = Task.Run(() => run(token), token);
    }

    public async Task StopAsync()
    {
        if (_cts is null || _task is null)
        {
            return;
        }

        await _cts.CancelAsync().ConfigureAwait(false);
        try
        {
            await _task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _cts.Dispose();
        _cts = null;
        _task = null;
    }
}
