using System.Text;
using Clusterpedia.ClusterSynchro.Workloads;

namespace Clusterpedia.ClusterSynchro.Tests.Workloads;

/// <summary>
/// A real plugin set for tests: while an answer is set, every object whose metadata holds the marker text gets it;
/// <see cref="Set"/> moves the generation as loading or removing a plugin does.
/// </summary>
public sealed class TestWorkloadPlugins(string marker) : IWorkloadPlugins
{
    private readonly byte[] _marker = Encoding.UTF8.GetBytes(marker);
    private readonly Lock _lock = new();
    private WorkloadRef? _answer;
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    public string Fingerprint
    {
        get
        {
            lock (_lock)
            {
                return _answer is { } a ? $"test:{Encoding.UTF8.GetString(_marker)}:{a.Kind}/{a.Name}" : "";
            }
        }
    }

    public void Set(WorkloadRef? answer)
    {
        lock (_lock)
        {
            _answer = answer;
        }

        Interlocked.Increment(ref _generation);
    }

    public WorkloadRef? Resolve(ReadOnlySpan<byte> metadataJson)
    {
        if (metadataJson.IndexOf(_marker) < 0)
        {
            return null;
        }

        lock (_lock)
        {
            return _answer;
        }
    }
}
