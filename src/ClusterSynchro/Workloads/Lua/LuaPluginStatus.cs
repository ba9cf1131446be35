namespace Clusterpedia.ClusterSynchro.Workloads.Lua;

/// <summary>
/// How one plugin fares in this process: loaded (compiled, defines the function), disabled (too many failed calls in
/// a row, until its script changes), and the last error with its script line, when and how many in a row.
/// </summary>
public sealed record LuaPluginStatus(
    bool Loaded,
    bool Disabled,
    string? LastError,
    int? LastErrorLine,
    DateTimeOffset? LastErrorTime,
    int ConsecutiveFailures,
    long Failures,
    long Calls);
