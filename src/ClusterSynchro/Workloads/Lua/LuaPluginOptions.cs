namespace Clusterpedia.ClusterSynchro.Workloads.Lua;

/// <summary>The limits every Lua workload plugin runs under (configuration section <c>Plugins</c>).</summary>
public sealed class LuaPluginOptions
{
    public const string Section = "Plugins";

    /// <summary>Lua VM instructions one call (or the script's top level) may run.</summary>
    public long MaxInstructions { get; set; } = 5_000_000;

    /// <summary>Wall-clock time one call may take, checked every <see cref="HookEvery"/> instructions.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Memory a plugin's Lua state may hold (enforced by the state's allocator).</summary>
    public long MaxMemoryBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Longest string string.rep may build.</summary>
    public long MaxRepBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest script accepted (spec.script, UTF-8 bytes).</summary>
    public int MaxScriptBytes { get; set; } = 64 * 1024;

    /// <summary>Failed calls in a row after which a plugin is disabled until its script changes.</summary>
    public int MaxConsecutiveFailures { get; set; } = 5;

    /// <summary>How often the count hook checks the budget and the clock.</summary>
    public int HookEvery { get; set; } = 1000;
}
