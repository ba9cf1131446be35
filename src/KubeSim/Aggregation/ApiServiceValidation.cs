using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clusterpedia.KubeSim.Discovery;

namespace Clusterpedia.KubeSim.Aggregation;

/// <summary>
/// kube-aggregator's validation of an APIService (create and update): the name is <c>version.group</c>, the group a
/// DNS subdomain, the version a DNS label, priorities in range, and the service and TLS fields consistent. The first
/// problem is answered as a 422 naming the field, in upstream's words.
/// </summary>
internal static partial class ApiServiceValidation
{
    public static void Validate(ApiResource resource, JsonObject obj, string? name)
    {
        if (resource.GroupResource != "apiservices.apiregistration.k8s.io")
        {
            return;
        }

        if (Problem(obj, name) is { } problem)
        {
            throw SimulatorApiException.Invalid(resource.Group, resource.Kind, name ?? string.Empty, problem.Field, problem.Message);
        }
    }

    private static (string Field, string Message)? Problem(JsonObject obj, string? name)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        var group = Text(spec["group"]) ?? string.Empty;
        var version = Text(spec["version"]) ?? string.Empty;
        var required = version + "." + group;
        if (!string.IsNullOrEmpty(name) && name != required)
        {
            return ("metadata.name", $"Invalid value: \"{name}\": must be `spec.version+\".\"+spec.group`: \"{required}\"");
        }

        if (group.Length == 0 && version != "v1")
        {
            return ("spec.group", "Required value: only v1 may have an empty group and it better be legacy kube");
        }

        if (group.Length > 0 && (group.Length > 253 || !Subdomain().IsMatch(group)))
        {
            return ("spec.group", $"Invalid value: \"{group}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
        }

        if (version.Length is 0 or > 63 || !Label().IsMatch(version))
        {
            return ("spec.version", $"Invalid value: \"{version}\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character");
        }

        if (Number(spec["groupPriorityMinimum"]) is not (> 0 and <= 20000) and var groupPriority)
        {
            return ("spec.groupPriorityMinimum", $"Invalid value: {Show(groupPriority)}: must be positive and less than 20000");
        }

        if (Number(spec["versionPriority"]) is not (> 0 and <= 1000) and var versionPriority)
        {
            return ("spec.versionPriority", $"Invalid value: {Show(versionPriority)}: must be positive and less than 1000");
        }

        var caBundle = Text(spec["caBundle"]);
        if (caBundle is { Length: > 0 } && !Convert.TryFromBase64String(caBundle, new byte[caBundle.Length], out _))
        {
            return ("spec.caBundle", "Invalid value: must be base64-encoded PEM");
        }

        var insecure = spec["insecureSkipTLSVerify"] is JsonValue skip && skip.TryGetValue<bool>(out var s) && s;
        if (spec["service"] is not JsonObject service)
        {
            return caBundle is { Length: > 0 }
                ? ("spec.caBundle", $"Invalid value: \"{caBundle.Length * 3 / 4} bytes\": local APIServices may not have a caBundle")
                : insecure ? ("spec.insecureSkipTLSVerify", "Invalid value: true: local APIServices may not have insecureSkipTLSVerify") : null;
        }

        if (Text(service["namespace"]) is not { Length: > 0 })
        {
            return ("spec.service.namespace", "Required value");
        }

        if (Text(service["name"]) is not { Length: > 0 })
        {
            return ("spec.service.name", "Required value");
        }

        if (service["port"] is { } port && Number(port) is not (> 0 and <= 65535))
        {
            return ("spec.service.port", $"Invalid value: {port.ToJsonString()}: must be between 1 and 65535, inclusive");
        }

        return insecure && caBundle is { Length: > 0 }
            ? ("spec.insecureSkipTLSVerify", "Invalid value: true: may not be true if caBundle is present")
            : null;
    }

    private static string Show(long? number) => number?.ToString(CultureInfo.InvariantCulture) ?? "0";

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    // An in-memory node holds whatever CLR number it was built from; a parsed one converts to any of them.
    private static long? Number(JsonNode? node) => node is not JsonValue value ? null
        : value.TryGetValue<long>(out var number) ? number
        : value.TryGetValue<int>(out var small) ? small
        : null;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();
}
