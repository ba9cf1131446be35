namespace Clusterpedia.Bench.Results;

/// <summary>CPU time used during one phase of a run (<see cref="Measurement.CpuMeter"/>), by process.</summary>
internal sealed class CpuSplit
{
    public double WallSeconds { get; init; }

    /// <summary>Cores of the machine: a phase could use at most this many CPU-seconds per second of wall time.</summary>
    public int Cores { get; init; }

    /// <summary>Our server process.</summary>
    public double ServerSeconds { get; init; }

    /// <summary>The bench process: the simulated members, the watchers and the HTTP clients.</summary>
    public double BenchSeconds { get; init; }

    /// <summary>
    /// Every other process and the kernel, the database server above all: the machine's busy time (/proc/stat) less the
    /// two processes' own. The machine's figure is sampled by the tick and read lower than the processes' on this VM at
    /// times (SQLite's S4: 40.3 busy CPU-seconds against 44.8 for the server and the bench), so this is a lower bound,
    /// never below 0, and <see cref="IdleShare"/> an upper bound.
    /// </summary>
    public double OtherSeconds { get; init; }

    /// <summary>The share of the cores' time left idle during the phase.</summary>
    public double IdleShare { get; init; }

    /// <summary>Our server's CPU over the objects the phase handled (S1: synced; S4: member writes).</summary>
    public double? ServerMicrosecondsPerObject { get; init; }

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"server {ServerSeconds:N2} s, bench {BenchSeconds:N2} s, others (database, kernel) {OtherSeconds:N2} s over {WallSeconds:N1} s on {Cores} cores ({IdleShare:P0} idle){(ServerMicrosecondsPerObject is { } us ? $"; server {us:N0} µs/object" : "")}");
}
