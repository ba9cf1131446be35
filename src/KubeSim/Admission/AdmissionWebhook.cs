using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.KubeSim.Admission;

/// <summary>
/// One webhook of a stored Mutating- or ValidatingWebhookConfiguration, with the defaults kube-apiserver applies
/// (failurePolicy Fail, matchPolicy Equivalent, timeoutSeconds 10, reinvocationPolicy Never, scope <c>*</c>, empty
/// selectors matching everything). Configurations are validated when written, so reading them here trusts their shape.
/// </summary>
internal sealed record AdmissionWebhook(
    string Name,
    string ConfigurationName,
    bool Mutating,
    IReadOnlyList<WebhookRule> Rules,
    LabelSelector NamespaceSelector,
    LabelSelector ObjectSelector,
    bool EquivalentMatch,
    bool FailOpen,
    string SideEffects,
    int TimeoutSeconds,
    string ReviewVersion,
    WebhookClientConfig Client,
    bool ReinvokeIfNeeded)
{
    public const int DefaultTimeoutSeconds = 10;

    /// <summary>The webhooks of one configuration object, in their order; ones that cannot be read are left out.</summary>
    public static IEnumerable<AdmissionWebhook> FromConfiguration(JsonObject configuration, bool mutating)
    {
        var name = configuration["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
        foreach (var hook in (configuration["webhooks"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            AdmissionWebhook? webhook;
            try
            {
                webhook = Parse(hook, name, mutating);
            }
            catch (Exception e) when (e is SelectorParseException or FormatException or InvalidOperationException)
            {
                webhook = null;
            }

            if (webhook is not null)
            {
                yield return webhook;
            }
        }
    }

    private static AdmissionWebhook? Parse(JsonObject hook, string configurationName, bool mutating)
    {
        var client = hook["clientConfig"] as JsonObject;
        var service = client?["service"] as JsonObject;
        var url = Str(client, "url");
        var caBundle = Str(client, "caBundle");
        var clientConfig = new WebhookClientConfig(
            url is null ? null : new Uri(url),
            Str(service, "namespace"),
            Str(service, "name"),
            Str(service, "path"),
            (int?)service?["port"]?.GetValue<long>() ?? 443,
            string.IsNullOrEmpty(caBundle) ? null : Encoding.UTF8.GetString(Convert.FromBase64String(caBundle)));
        if (clientConfig.Url is null && clientConfig.ServiceName is null)
        {
            return null;
        }

        var rules = ((hook["rules"] as JsonArray)?.OfType<JsonObject>() ?? []).Select(r => new WebhookRule(
            Strings(r["operations"]), Strings(r["apiGroups"]), Strings(r["apiVersions"]), Strings(r["resources"]), Str(r, "scope") ?? "*")).ToList();
        var versions = Strings(hook["admissionReviewVersions"]);
        return new AdmissionWebhook(
            Str(hook, "name") ?? string.Empty,
            configurationName,
            mutating,
            rules,
            LabelSelectorJson.Parse(hook["namespaceSelector"]),
            LabelSelectorJson.Parse(hook["objectSelector"]),
            Str(hook, "matchPolicy") != "Exact",
            Str(hook, "failurePolicy") == "Ignore",
            Str(hook, "sideEffects") ?? string.Empty,
            (int?)hook["timeoutSeconds"]?.GetValue<long>() ?? DefaultTimeoutSeconds,
            // The first version the webhook accepts that we speak, as kube-apiserver picks it.
            versions.FirstOrDefault(v => v is "v1" or "v1beta1") ?? "v1",
            clientConfig,
            mutating && Str(hook, "reinvocationPolicy") == "IfNeeded");
    }

    private static string? Str(JsonObject? obj, string property) =>
        obj?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static List<string> Strings(JsonNode? node) =>
        (node as JsonArray)?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty).ToList() ?? [];
}
