using System.Threading.Channels;

namespace Clusterpedia.KubeSim.Storage;

/// <summary>
/// One watcher's queue of live changes to one group-resource (optionally one namespace). Like kube-apiserver's cacher,
/// a watcher that falls too far behind is closed rather than allowed to hold memory without bound.
/// </summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly Channel<StoreEvent> _channel;
    private readonly Action<WatchSubscription> _unsubscribe;

    public WatchSubscription(string groupResource, string? ns, int capacity, Action<WatchSubscription> unsubscribe)
    {
        GroupResource = groupResource;
        Namespace = ns;
        _unsubscribe = unsubscribe;
        _channel = Channel.CreateBounded<StoreEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string GroupResource { get; }

    public string? Namespace { get; }

    public ChannelReader<StoreEvent> Reader => _channel.Reader;

    public bool Matches(StoreEvent e) =>
        string.Equals(e.GroupResource, GroupResource, StringComparison.Ordinal)
        && (Namespace is null || string.Equals(e.Object.Namespace, Namespace, StringComparison.Ordinal));

    /// <summary>Queues an event; a full queue ends the watch (the client relists or rewatches).</summary>
    public void Publish(StoreEvent e)
    {
        if (!_channel.Writer.TryWrite(e))
        {
            _channel.Writer.TryComplete();
        }
    }

    /// <summary>Ends the watch from the server side, as when the apiserver restarts or a fault is injected.</summary>
    public void Close() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _unsubscribe(this);
    }
}
