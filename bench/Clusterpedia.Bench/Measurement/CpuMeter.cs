using System.Globalization;
using Clusterpedia.Bench.Results;

namespace Clusterpedia.Bench.Measurement;

/// <summary>
/// CPU time between two points, split by who used it: our server (a child process), this process (the bench: the
/// simulated members, the watchers and the clients) and the rest of the machine (the database and the kernel's own
/// work). Read from Linux's /proc in clock ticks of 1/100 s; on a 2-core machine a phase whose three parts add up to
/// twice its wall time was bound by CPU, not by waiting.
/// </summary>
internal sealed class CpuMeter
{
    // USER_HZ, the unit of /proc/[pid]/stat and /proc/stat: 100 on every Linux architecture .NET runs on.
    private const double _ticksPerSecond = 100;

    private readonly int _serverPid;
    private readonly long _startTimestamp;
    private readonly double _server;
    private readonly double _bench;
    private readonly double _machine;

    private CpuMeter(int serverPid)
    {
        _serverPid = serverPid;
        _startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        _server = ProcessSeconds(serverPid);
        _bench = ProcessSeconds(Environment.ProcessId);
        _machine = MachineBusySeconds();
    }

    /// <summary>Starts counting; null where /proc cannot be read (not Linux), so the figures are left out, not made up.</summary>
    public static CpuMeter? Start(int serverPid) =>
        File.Exists("/proc/stat") && File.Exists($"/proc/{serverPid}/stat") ? new CpuMeter(serverPid) : null;

    /// <summary>The CPU used since <see cref="Start"/>; <paramref name="objects"/> gives the server's CPU per object.</summary>
    public CpuSplit Stop(long objects)
    {
        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        var server = ProcessSeconds(_serverPid) - _server;
        var bench = ProcessSeconds(Environment.ProcessId) - _bench;
        var machine = MachineBusySeconds() - _machine;
        return new CpuSplit
        {
            WallSeconds = Math.Round(wall, 2),
            Cores = Environment.ProcessorCount,
            ServerSeconds = Math.Round(server, 2),
            BenchSeconds = Math.Round(bench, 2),
            OtherSeconds = Math.Round(Math.Max(0, machine - server - bench), 2),
            IdleShare = Math.Round(Math.Max(0, 1 - (machine / (wall * Environment.ProcessorCount))), 3),
            ServerMicrosecondsPerObject = objects > 0 ? Math.Round(server * 1e6 / objects, 1) : null,
        };
    }

    /// <summary>User and system time of a process (fields 14 and 15 of /proc/[pid]/stat).</summary>
    private static double ProcessSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name (field 2) is in parentheses and may hold spaces: the fields after it start at field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / _ticksPerSecond;
    }

    /// <summary>Busy time of all cores from the first line of /proc/stat: everything but idle and I/O wait.</summary>
    private static double MachineBusySeconds()
    {
        using var reader = new StreamReader("/proc/stat");
        var fields = (reader.ReadLine() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // cpu user nice system idle iowait irq softirq steal (guest time is already inside user)
        long busy = 0;
        foreach (var i in new[] { 1, 2, 3, 6, 7, 8 })
        {
            busy += i < fields.Length ? long.Parse(fields[i], CultureInfo.InvariantCulture) : 0;
        }

        return busy / _ticksPerSecond;
    }
}
