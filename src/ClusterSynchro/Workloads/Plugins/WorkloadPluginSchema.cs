using System.Text.Json.Nodes;
using static Clusterpedia.ClusterSynchro.Clusters.OpenApiSchemaNodes;

namespace Clusterpedia.ClusterSynchro.Workloads.Plugins;

/// <summary>The OpenAPI v3 schema of WorkloadPlugin, with a description for every field (kubectl explain, fieldValidation).</summary>
public static class WorkloadPluginSchema
{
    public static JsonObject V1Alpha1() => Obj(
        "WorkloadPlugin is a Lua script the server runs for every synced pod to name its workload when the built-in rules do not (DeepFlow's server-side Lua plugin contract).",
        ("apiVersion", Str("APIVersion defines the versioned schema of this representation of an object: plugins.clusterpedia.io/v1alpha1.")),
        ("kind", Str("Kind is the REST resource this object represents: WorkloadPlugin.")),
        ("metadata", Obj("Standard object metadata. Plugins run in name order; the first non-empty answer wins.")),
        ("spec", Obj(
            "The plugin's code.",
            ("type", Str("Plugin type; only \"lua\" (Lua 5.4) is supported.")),
            ("script", Str("The Lua source. It must define function GetWorkloadTypeAndName(metaJsonStr) returning two strings (workload kind and name; \"\", \"\" when it does not handle the pod). require(\"dkjson\") gives the server's JSON module.")),
            ("user", Str("Where the plugin runs, as deepflow-ctl's --user: only \"server\" (the default)."))).Require("type", "script")),
        ("status", Obj(
            "How the plugin fares in the server replica that wrote this status last.",
            ("loaded", Bool("Whether the script compiled and defines GetWorkloadTypeAndName.")),
            ("disabled", Bool("Whether the plugin is skipped after too many failed calls in a row; changing the script enables it again.")),
            ("error", Str("The last error (compile, runtime, or a budget: instructions, time, memory), with the script line when Lua names one.")),
            ("errorLine", Int64("Script line of the last error, when known.")),
            ("lastErrorTime", Str("When the last error happened.", "date-time")),
            ("consecutiveFailures", Int64("Failed calls in a row.")),
            ("failures", Int64("Failed calls since the script was loaded.")),
            ("calls", Int64("Calls since the script was loaded.")),
            ("observedGeneration", Int64("The metadata.generation this status describes.")))));
}
