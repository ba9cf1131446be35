using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests.Admission;

/// <summary>Builds admissionregistration.k8s.io/v1 webhook configurations for the tests.</summary>
internal static class WebhookConfigs
{
    public static readonly GroupVersionResource ValidatingResource = new("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations");
    public static readonly GroupVersionResource MutatingResource = new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations");

    public static JsonObject Validating(string name, params JsonObject[] webhooks) => Configuration("ValidatingWebhookConfiguration", name, webhooks);

    public static JsonObject Mutating(string name, params JsonObject[] webhooks) => Configuration("MutatingWebhookConfiguration", name, webhooks);

    /// <summary>A webhook with sideEffects None, review version v1 and the given rules (default: CREATE and UPDATE of configmaps).</summary>
    public static JsonObject Hook(string name, JsonObject clientConfig, JsonArray? rules = null) => new()
    {
        ["name"] = name,
        ["clientConfig"] = clientConfig,
        ["rules"] = rules ?? new JsonArray(Rule(["CREATE", "UPDATE"], ["configmaps"])),
        ["sideEffects"] = "None",
        ["admissionReviewVersions"] = new JsonArray("v1"),
    };

    public static JsonObject Url(TestWebhookServer server, string path) =>
        new() { ["url"] = server.Url(path), ["caBundle"] = server.CaBundleBase64 };

    public static JsonObject Service(TestWebhookServer server, string path) => new()
    {
        ["service"] = new JsonObject { ["namespace"] = TestWebhookServer.ServiceNamespace, ["name"] = TestWebhookServer.ServiceName, ["path"] = path },
        ["caBundle"] = server.CaBundleBase64,
    };

    public static JsonObject Rule(string[] operations, string[] resources, string group = "", string version = "v1") => new()
    {
        ["operations"] = Array(operations),
        ["apiGroups"] = new JsonArray(group),
        ["apiVersions"] = new JsonArray(version),
        ["resources"] = Array(resources),
    };

    private static JsonObject Configuration(string kind, string name, JsonObject[] webhooks) => new()
    {
        ["apiVersion"] = "admissionregistration.k8s.io/v1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name },
        ["webhooks"] = new JsonArray([.. webhooks]),
    };

    private static JsonArray Array(string[] values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
}
