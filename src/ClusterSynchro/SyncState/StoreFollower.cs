using System.Threading.Channels;
using Clusterpedia.Storage;
using Microsoft.Extensions.Hosting;

namespace Clusterpedia.ClusterSynchro.SyncState;

/// <summary>
/// A background service that keeps something in memory equal to stored objects: it refreshes at once when this
/// process writes one of the keys it follows (the stores' <see cref="IApiObjectStore.Changed"/>), and every poll
/// interval for writes of other processes on the same database, which raise no event here. A failed refresh is
/// reported and tried again on the next wake-up.
/// </summary>
public abstract class StoreFollower(TimeSpan pollInterval, TimeProvider time, params IApiObjectStore[] stores) : BackgroundService
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected TimeProvider Time { get; } = time;

    /// <summary>Asks for another refresh right after the running one (e.g. a write of it met a concurrent update).</summary>
    protected void RefreshSoon() => _signal.Writer.TryWrite(true);

    /// <summary>True for the storage keys whose writes call for a refresh.</summary>
    protected abstract bool Follows(string resource);

    /// <summary>One pass: read the stored objects and update what is kept from them.</summary>
    protected abstract Task RefreshAsync(CancellationToken ct);

    /// <summary>Reports a refresh that failed (it is tried again on the next wake-up).</summary>
    protected abstract void RefreshFailed(Exception exception);

    /// <summary>Listens before returning: ExecuteAsync runs on its own, later, and must not miss a write meanwhile.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var store in stores)
        {
            store.Changed += OnChanged;
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RefreshAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    RefreshFailed(e);
                }

                using var interval = new CancellationTokenSource(pollInterval, Time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
                try
                {
                    await _signal.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var store in stores)
            {
                store.Changed -= OnChanged;
            }
        }
    }

    private void OnChanged(string resource)
    {
        if (Follows(resource))
        {
            RefreshSoon();
        }
    }
}
