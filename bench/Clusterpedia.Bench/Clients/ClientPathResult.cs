namespace Clusterpedia.Bench.Clients;

/// <summary>What one client path measured in its own process (one JSON line on the child's stdout).</summary>
internal sealed class ClientPathResult
{
    public string Path { get; set; } = "";

    public long Objects { get; set; }

    public long ListBytes { get; set; }

    public double ListSeconds { get; set; }

    public double ListCpuSeconds { get; set; }

    public long ListAllocatedBytes { get; set; }

    public long Events { get; set; }

    public double WatchSeconds { get; set; }

    public double WatchCpuSeconds { get; set; }

    public long WatchAllocatedBytes { get; set; }

    public long BaselineWorkingSet { get; set; }

    public long PeakWorkingSetSampled { get; set; }

    public long PeakWorkingSet { get; set; }
}
