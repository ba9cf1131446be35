using Clusterpedia.ClusterSynchro.Resources;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>The live state of one resource synchro, read by its cluster synchro to build the PediaCluster status.</summary>
public sealed class ResourceSyncState(SyncedResource resource, DateTimeOffset now)
{
    private readonly Lock _gate = new();
    private string _status = "Pending";
    private string? _reason;
    private string? _message;
    private DateTimeOffset _since = now;
    private long _objectCount;

    public SyncedResource Resource => resource;

    /// <summary>True once the first full list has been written: the resource is searchable and complete.</summary>
    public bool InitialListDone { get; private set; }

    /// <summary>Objects of the resource in the member cluster as the synchro last saw them (minus excluded namespaces).</summary>
    public long ObjectCount => Interlocked.Read(ref _objectCount);

    public void SetObjectCount(long count) => Interlocked.Exchange(ref _objectCount, count);

    public void AddObjectCount(long delta) => Interlocked.Add(ref _objectCount, delta);

    public event Action? Changed;

    public (string Status, string? Reason, string? Message, DateTimeOffset Since) Snapshot()
    {
        lock (_gate)
        {
            return (_status, _reason, _message, _since);
        }
    }

    public void Set(string status, string? reason, string? message, DateTimeOffset now, bool? initialListDone = null)
    {
        bool changed;
        lock (_gate)
        {
            changed = _status != status || _reason != reason || _message != message || (initialListDone is { } d && d != InitialListDone);
            if (_status != status)
            {
                _since = now;
            }

            _status = status;
            _reason = reason;
            _message = message;
            if (initialListDone is { } done)
            {
                InitialListDone = done;
            }
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }
}
