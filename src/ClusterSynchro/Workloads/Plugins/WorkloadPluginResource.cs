namespace Clusterpedia.ClusterSynchro.Workloads.Plugins;

/// <summary>
/// Names of the WorkloadPlugin API (plugins.clusterpedia.io/v1alpha1, cluster-scoped): a Lua script that maps pod
/// metadata to a workload, stored in the database's own-object table in both modes so every replica loads it. This
/// folder is the API type's home: names, schema, validation, printer, and the loader that feeds the runtime.
/// </summary>
public static class WorkloadPluginResource
{
    public const string Group = "plugins.clusterpedia.io";
    public const string Version = "v1alpha1";
    public const string Resource = "workloadplugins";
    public const string Kind = "WorkloadPlugin";
    public const string Singular = "workloadplugin";

    /// <summary>What <c>kubectl get wp</c> resolves.</summary>
    public static IReadOnlyList<string> ShortNames { get; } = ["wp"];

    public const string StorageKey = Resource + "." + Group;

    /// <summary>The one plugin type: a Lua 5.4 script defining GetWorkloadTypeAndName(metaJsonStr).</summary>
    public const string TypeLua = "lua";

    /// <summary>Where the plugin runs; deepflow-ctl's <c>--user server</c>. The server is the only one we have.</summary>
    public const string UserServer = "server";
}
