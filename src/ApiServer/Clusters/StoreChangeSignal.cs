using System.Threading.Channels;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>
/// Wakes a watch of our own objects when the store writes its resource: at most one pending signal, since a woken
/// watch reads everything new anyway. Disposing stops listening.
/// </summary>
internal sealed class StoreChangeSignal : IDisposable
{
    private readonly IApiObjectStore _store;
    private readonly string _storageKey;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public StoreChangeSignal(IApiObjectStore store, string storageKey)
    {
        _store = store;
        _storageKey = storageKey;
        _store.Changed += OnChanged;
    }

    public ChannelReader<bool> Reader => _signal.Reader;

    public void Dispose() => _store.Changed -= OnChanged;

    private void OnChanged(string key)
    {
        if (key == _storageKey)
        {
            _signal.Writer.TryWrite(true);
        }
    }
}
