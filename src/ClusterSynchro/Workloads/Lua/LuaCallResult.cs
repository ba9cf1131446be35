namespace Clusterpedia.ClusterSynchro.Workloads.Lua;

/// <summary>What one call into a plugin gave: the two strings, or the error (with its script line when Lua named one).</summary>
internal readonly record struct LuaCallResult(bool Ok, string Kind, string Name, string? Error, int? Line)
{
    public static LuaCallResult Failed(string error, int? line) => new(false, "", "", error, line);
}
