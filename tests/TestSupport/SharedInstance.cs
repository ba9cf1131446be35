namespace Clusterpedia.TestSupport;

/// <summary>
/// One instance per test process, started on first use behind one gate so concurrent callers share it (the private
/// PostgreSQL and MariaDB servers). Collection fixtures hold it (<see cref="AcquireAsync"/>) and let go of it
/// (<see cref="ReleaseAsync"/>); it is stopped when the last holder lets go, so collections that run in parallel never
/// see it stopped under them.
/// </summary>
public sealed class SharedInstance<T>(Func<Task<T>> start, Func<T, Task> stop) : IDisposable
    where T : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private T? _instance;
    private int _holders;

    /// <summary>The instance, started if need be; whoever holds it keeps it running.</summary>
    public async Task<T> GetAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _instance ??= await start();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Holds the instance, started if need be, until a matching <see cref="ReleaseAsync"/>.</summary>
    public async Task<T> AcquireAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _instance ??= await start();
            _holders++;
            return _instance;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Lets go of the instance; the last holder to let go stops it.</summary>
    public async Task ReleaseAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_holders == 0)
            {
                throw new InvalidOperationException("released more often than acquired");
            }

            _holders--;
            if (_holders == 0 && _instance is not null)
            {
                var instance = _instance;
                _instance = null;
                await stop(instance);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
