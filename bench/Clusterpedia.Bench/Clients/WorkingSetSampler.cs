namespace Clusterpedia.Bench.Clients;

/// <summary>The largest resident set of this process, sampled every 20 ms from /proc/self/statm (no Process objects).</summary>
internal sealed class WorkingSetSampler : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public WorkingSetSampler()
    {
        Sample();
        _timer = new Timer(_ => Sample(), null, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20));
    }

    public long Peak => Interlocked.Read(ref _peak);

    private void Sample()
    {
        var statm = File.ReadAllText("/proc/self/statm");
        var fields = statm.Split(' ');
        var resident = long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _peak);
        }
        while (resident > seen && Interlocked.CompareExchange(ref _peak, resident, seen) != seen);
    }

    public void Dispose() => _timer.Dispose();
}
