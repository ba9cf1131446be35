using System.Text;
using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Aggregation;

/// <summary>
/// The parts of an apiregistration.k8s.io/v1 APIService the aggregator acts on. <see cref="ServiceName"/> is null for a
/// local APIService (served by this server itself).
/// </summary>
internal sealed record ApiServiceInfo(
    string Name, string Group, string Version, string? ServiceNamespace, string? ServiceName, int ServicePort, string? CaBundlePem,
    bool InsecureSkipTlsVerify, int GroupPriorityMinimum, int VersionPriority, bool Available)
{
    public bool IsLocal => ServiceName is null;

    public static ApiServiceInfo? Parse(JsonObject apiService)
    {
        var name = apiService["metadata"]?["name"]?.GetValue<string>();
        if (name is null || apiService["spec"] is not JsonObject spec)
        {
            return null;
        }

        var group = String(spec["group"]) ?? string.Empty;
        var version = String(spec["version"]) ?? string.Empty;
        var service = spec["service"] as JsonObject;
        string? caBundle = null;
        if (String(spec["caBundle"]) is { Length: > 0 } encoded)
        {
            // caBundle is base64 of PEM bytes; an undecodable one trusts nothing (every TLS handshake fails).
            var bytes = new byte[encoded.Length];
            caBundle = Convert.TryFromBase64String(encoded, bytes, out var written) ? Encoding.UTF8.GetString(bytes, 0, written) : "invalid";
        }

        var available = (apiService["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .Any(c => String(c["type"]) == "Available" && String(c["status"]) == "True") ?? false;
        return new ApiServiceInfo(
            name, group, version, service is null ? null : String(service["namespace"]) ?? "default", service is null ? null : String(service["name"]),
            Int(service?["port"]) ?? 443, caBundle, spec["insecureSkipTLSVerify"] is JsonValue skip && skip.TryGetValue<bool>(out var s) && s,
            Int(spec["groupPriorityMinimum"]) ?? 0, Int(spec["versionPriority"]) ?? 0, available);
    }

    private static string? String(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int? Int(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
}
