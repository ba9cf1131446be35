namespace Clusterpedia.ClusterSynchro.Workloads.Lua;

/// <summary>
/// One loaded plugin: its sandbox, guarded by a lock (a Lua state is not thread-safe, and synchros resolve pods on
/// many threads), and its failure accounting.
/// </summary>
internal sealed class LuaPlugin(string name, string script, LuaSandbox sandbox, LuaPluginOptions options, TimeProvider time) : IDisposable
{
    private readonly Lock _gate = new();
    private LuaPluginStatus _status = new(true, false, null, null, null, 0, 0, 0);
    private bool _disposed;

    public string Name => name;

    public string Script => script;

    public LuaPluginStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>The plugin's answer: a workload, not-handled (null), or null after a failure it records.</summary>
    public WorkloadRef? Resolve(byte[] metadataJson)
    {
        lock (_gate)
        {
            if (_status.Disabled || _disposed)
            {
                return null;
            }

            var result = sandbox.Resolve(metadataJson);
            if (!result.Ok)
            {
                var failures = _status.ConsecutiveFailures + 1;
                _status = _status with
                {
                    LastError = result.Error,
                    LastErrorLine = result.Line,
                    LastErrorTime = time.GetUtcNow(),
                    ConsecutiveFailures = failures,
                    Failures = _status.Failures + 1,
                    Calls = _status.Calls + 1,
                    Disabled = failures >= options.MaxConsecutiveFailures,
                };
                return null;
            }

            _status = _status with { ConsecutiveFailures = 0, Calls = _status.Calls + 1 };
            return result.Kind.Length == 0 || result.Name.Length == 0 ? null : new WorkloadRef(result.Kind, result.Name);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            sandbox.Dispose();
        }
    }
}
