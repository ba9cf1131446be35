using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Workloads.Lua;

namespace Clusterpedia.ClusterSynchro.Workloads.Plugins;

/// <summary>
/// Validation of a WorkloadPlugin on create and update: the type and user are known, and the script is within the
/// size limit, compiles, and defines GetWorkloadTypeAndName. A Lua error is reported with its line, in the
/// "field: Invalid value: ...: why" form of kube-apiserver.
/// </summary>
public static class WorkloadPluginValidation
{
    private static readonly LuaPluginOptions _limits = new();

    public static void Validate(JsonObject obj, List<string> errors)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            errors.Add("spec: Required value");
            return;
        }

        var type = StringField(spec, "type", errors);
        if (type is null)
        {
            errors.Add("spec.type: Required value: supported values: \"lua\"");
        }
        else if (type != WorkloadPluginResource.TypeLua)
        {
            errors.Add($"spec.type: Unsupported value: \"{type}\": supported values: \"lua\"");
        }

        var user = StringField(spec, "user", errors);
        if (user is not null && user != WorkloadPluginResource.UserServer)
        {
            errors.Add($"spec.user: Unsupported value: \"{user}\": supported values: \"server\"");
        }

        var script = StringField(spec, "script", errors);
        if (script is null)
        {
            errors.Add("spec.script: Required value: the Lua source defining function GetWorkloadTypeAndName(metaJsonStr)");
            return;
        }

        var bytes = System.Text.Encoding.UTF8.GetByteCount(script);
        if (bytes > _limits.MaxScriptBytes)
        {
            errors.Add($"spec.script: Too long: may not be more than {_limits.MaxScriptBytes} bytes (the script has {bytes})");
            return;
        }

        if (type != WorkloadPluginResource.TypeLua)
        {
            return;
        }

        var name = (obj["metadata"] as JsonObject)?["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? n : "plugin";
        using var sandbox = new LuaSandbox(name, _limits);
        var result = sandbox.Compile(script);
        if (!result.Ok)
        {
            var where = result.Line is { } line ? $"line {line}" : "script";
            errors.Add($"spec.script: Invalid value: \"{where}\": {result.Error}");
        }
    }

    private static string? StringField(JsonObject spec, string field, List<string> errors)
    {
        var node = spec[field];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.TryGetValue<string>(out var s))
        {
            return s;
        }

        errors.Add($"spec.{field}: Invalid value: {node.ToJsonString()}: must be a string");
        return null;
    }
}
