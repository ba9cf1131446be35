namespace Clusterpedia.TestSupport;

/// <summary>
/// One instance per test process, started on first use and stopped on demand, behind one gate so concurrent callers
/// share it (the private PostgreSQL and MariaDB servers).
/// </summary>
public sealed class SharedInstance<T>(Func<Task<T>> start, Func<T, Task> stop) : IDisposable
    where T : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private T? _instance;

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

    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_instance is not null)
            {
                await stop(_instance);
                _instance = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
