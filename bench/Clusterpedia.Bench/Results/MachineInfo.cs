using System.Globalization;
using System.Runtime.InteropServices;

namespace Clusterpedia.Bench.Results;

/// <summary>The machine the figures come from, read from /proc and /etc/os-release.</summary>
internal sealed class MachineInfo
{
    public required string Cpu { get; init; }
    public int LogicalCores { get; init; }
    public double MemoryGiB { get; init; }
    public required string Os { get; init; }
    public required string Runtime { get; init; }

    /// <summary>1, 5 and 15 minute load averages when the run started: the machine is shared, so say how busy it was.</summary>
    public string? LoadAverageAtStart { get; init; }

    public static MachineInfo Read() => new()
    {
        Cpu = FirstValue("/proc/cpuinfo", "model name", ':') ?? RuntimeInformation.ProcessArchitecture.ToString(),
        LogicalCores = Environment.ProcessorCount,
        MemoryGiB = MemoryKiB() / 1024.0 / 1024.0 is var gib ? Math.Round(gib, 1) : 0,
        Os = FirstValue("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription,
        Runtime = RuntimeInformation.FrameworkDescription,
        LoadAverageAtStart = LoadAverage(),
    };

    public static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    private static long MemoryKiB()
    {
        var text = FirstValue("/proc/meminfo", "MemTotal", ':');
        return text is not null && long.TryParse(text.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture, out var kib)
            ? kib
            : 0;
    }

    private static string? FirstValue(string file, string key, char separator)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        foreach (var line in File.ReadLines(file))
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && line[..at].Trim() == key)
            {
                return line[(at + 1)..].Trim();
            }
        }

        return null;
    }
}
