using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.KubeSim.Admission;

/// <summary>
/// Validates a Mutating- or ValidatingWebhookConfiguration on create and update with kube-apiserver's rules for
/// admissionregistration.k8s.io/v1 (pkg/apis/admissionregistration/validation) and its wording, so a bad
/// configuration is a 422 naming the field instead of a webhook that silently never runs.
/// <c>matchConditions</c> are refused: this simulator does not evaluate CEL, and a webhook that ran without them
/// would be called for requests its author meant to exclude.
/// </summary>
internal static partial class WebhookConfigurationValidation
{
    public const string Group = "admissionregistration.k8s.io";

    private const string _dns1123Message =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private static readonly string[] _operations = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];

    /// <summary>True for the two resources this validates (and which admission webhooks never see).</summary>
    public static bool IsWebhookConfiguration(string group, string resource) =>
        group == Group && resource is "mutatingwebhookconfigurations" or "validatingwebhookconfigurations";

    public static void Validate(JsonObject configuration, bool mutating)
    {
        var errors = new FieldErrors();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hooks = configuration["webhooks"] as JsonArray ?? [];
        for (var i = 0; i < hooks.Count; i++)
        {
            var path = $"webhooks[{i}]";
            if (hooks[i] is not JsonObject hook)
            {
                errors.Invalid(path, null, "must be an object");
                continue;
            }

            var name = Str(hook, "name") ?? string.Empty;
            ValidateName(errors, path + ".name", name);
            if (name.Length > 0 && !names.Add(name))
            {
                errors.Duplicate(path + ".name", name);
            }

            var rules = hook["rules"] as JsonArray ?? [];
            for (var j = 0; j < rules.Count; j++)
            {
                ValidateRule(errors, $"{path}.rules[{j}]", rules[j] as JsonObject ?? []);
            }

            OneOf(errors, path + ".failurePolicy", Str(hook, "failurePolicy"), "Fail", "Ignore");
            OneOf(errors, path + ".matchPolicy", Str(hook, "matchPolicy"), "Equivalent", "Exact");
            if (mutating)
            {
                OneOf(errors, path + ".reinvocationPolicy", Str(hook, "reinvocationPolicy"), "IfNeeded", "Never");
            }

            if (Str(hook, "sideEffects") is not { } sideEffects)
            {
                errors.Required(path + ".sideEffects", "must specify one of None, NoneOnDryRun");
            }
            else
            {
                OneOf(errors, path + ".sideEffects", sideEffects, "None", "NoneOnDryRun");
            }

            if (hook["timeoutSeconds"] is JsonValue timeout && (!timeout.TryGetValue<int>(out var seconds) || seconds is < 1 or > 30))
            {
                errors.Invalid(path + ".timeoutSeconds", timeout.TryGetValue<int>(out var given) ? (object)given : timeout.ToJsonString(), "the timeout value must be between 1 and 30 seconds");
            }

            ValidateReviewVersions(errors, path + ".admissionReviewVersions", hook["admissionReviewVersions"] as JsonArray);
            ValidateSelector(errors, path + ".namespaceSelector", hook["namespaceSelector"]);
            ValidateSelector(errors, path + ".objectSelector", hook["objectSelector"]);
            ValidateClientConfig(errors, path + ".clientConfig", hook["clientConfig"] as JsonObject);
            if (hook["matchConditions"] is JsonArray { Count: > 0 })
            {
                errors.Forbidden(path + ".matchConditions", "matchConditions (CEL expressions) are not supported by this simulator");
            }
        }

        var kind = mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration";
        errors.ThrowIfAny(Group, kind, configuration["metadata"]?["name"]?.GetValue<string>() ?? string.Empty);
    }

    private static void ValidateName(FieldErrors errors, string path, string name)
    {
        if (name.Length == 0)
        {
            errors.Required(path);
        }
        else if (name.Length > 253 || !Dns1123Subdomain().IsMatch(name))
        {
            errors.Invalid(path, name, _dns1123Message);
        }
        else if (name.Split('.').Length < 3)
        {
            errors.Invalid(path, name, "should be a domain with at least three segments separated by dots");
        }
    }

    private static void ValidateRule(FieldErrors errors, string path, JsonObject rule)
    {
        var operations = Strings(rule["operations"]);
        if (operations.Count == 0)
        {
            errors.Required(path + ".operations");
        }
        else if (operations.Count > 1 && operations.Contains("*"))
        {
            errors.Invalid(path + ".operations", operations, "if '*' is present, must not specify other operations");
        }

        for (var i = 0; i < operations.Count; i++)
        {
            if (!_operations.Contains(operations[i]))
            {
                errors.NotSupported($"{path}.operations[{i}]", operations[i], _operations);
            }
        }

        var groups = Strings(rule["apiGroups"]);
        if (groups.Count == 0)
        {
            errors.Required(path + ".apiGroups");
        }
        else if (groups.Count > 1 && groups.Contains("*"))
        {
            errors.Invalid(path + ".apiGroups", groups, "if '*' is present, must not specify other API groups");
        }

        var versions = Strings(rule["apiVersions"]);
        if (versions.Count == 0)
        {
            errors.Required(path + ".apiVersions");
        }
        else if (versions.Count > 1 && versions.Contains("*"))
        {
            errors.Invalid(path + ".apiVersions", versions, "if '*' is present, must not specify other API versions");
        }

        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i].Length == 0)
            {
                errors.Required($"{path}.apiVersions[{i}]");
            }
        }

        ValidateResources(errors, path + ".resources", Strings(rule["resources"]));
        OneOf(errors, path + ".scope", Str(rule, "scope"), "*", "Cluster", "Namespaced");
    }

    private static void ValidateResources(FieldErrors errors, string path, List<string> resources)
    {
        if (resources.Count == 0)
        {
            errors.Required(path);
            return;
        }

        var wildcardSubresourceOf = new HashSet<string>(StringComparer.Ordinal);
        var wildcardResourceOf = new HashSet<string>(StringComparer.Ordinal);
        var hasSingleWildcard = false;
        var hasPlainResource = false;
        for (var i = 0; i < resources.Count; i++)
        {
            var entry = resources[i];
            if (entry.Length == 0)
            {
                errors.Required($"{path}[{i}]");
                continue;
            }

            hasSingleWildcard |= entry == "*";
            var slash = entry.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                hasPlainResource |= entry != "*";
                continue;
            }

            var (res, sub) = (entry[..slash], entry[(slash + 1)..]);
            if (wildcardSubresourceOf.Contains(res))
            {
                errors.Invalid($"{path}[{i}]", entry, $"if '{res}/*' is present, must not specify {entry}");
            }

            if (wildcardResourceOf.Contains(sub))
            {
                errors.Invalid($"{path}[{i}]", entry, $"if '*/{sub}' is present, must not specify {entry}");
            }

            if (sub == "*")
            {
                wildcardSubresourceOf.Add(res);
            }

            if (res == "*")
            {
                wildcardResourceOf.Add(sub);
            }
        }

        if (resources.Count > 1 && resources.Contains("*/*"))
        {
            errors.Invalid(path, resources, "if '*/*' is present, must not specify other resources");
        }

        if (hasSingleWildcard && hasPlainResource)
        {
            errors.Invalid(path, resources, "if '*' is present, must not specify other resources without subresources");
        }
    }

    private static void ValidateReviewVersions(FieldErrors errors, string path, JsonArray? given)
    {
        var versions = Strings(given);
        if (versions.Count == 0)
        {
            errors.Required(path, "must specify one of v1, v1beta1");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < versions.Count; i++)
        {
            if (!seen.Add(versions[i]))
            {
                errors.Invalid($"{path}[{i}]", versions[i], "duplicate version");
            }
        }

        if (!versions.Any(v => v is "v1" or "v1beta1"))
        {
            errors.Invalid(path, versions, "must include at least one of v1, v1beta1");
        }
    }

    private static void ValidateSelector(FieldErrors errors, string path, JsonNode? selector)
    {
        try
        {
            LabelSelectorJson.Parse(selector);
        }
        catch (SelectorParseException e)
        {
            errors.Invalid(path, selector?.ToJsonString(), e.Message);
        }
    }

    private static void ValidateClientConfig(FieldErrors errors, string path, JsonObject? client)
    {
        var url = Str(client, "url");
        var service = client?["service"] as JsonObject;
        if ((url is null) == (service is null))
        {
            errors.Required(path, "exactly one of url or service is required");
        }

        if (url is not null)
        {
            ValidateUrl(errors, path + ".url", url);
        }

        if (service is not null)
        {
            if (string.IsNullOrEmpty(Str(service, "name")))
            {
                errors.Required(path + ".service.name", "service name is required");
            }

            if (string.IsNullOrEmpty(Str(service, "namespace")))
            {
                errors.Required(path + ".service.namespace", "service namespace is required");
            }

            if (Str(service, "path") is { } servicePath && !servicePath.StartsWith('/'))
            {
                errors.Invalid(path + ".service.path", servicePath, "must start with a '/'");
            }

            if (service["port"] is JsonValue port && (!port.TryGetValue<int>(out var number) || number is < 1 or > 65535))
            {
                errors.Invalid(path + ".service.port", port.TryGetValue<int>(out var given) ? (object)given : port.ToJsonString(), "port is not valid: must be between 1 and 65535, inclusive");
            }
        }

        if (Str(client, "caBundle") is { Length: > 0 } caBundle)
        {
            Span<byte> buffer = new byte[caBundle.Length];
            if (!Convert.TryFromBase64String(caBundle, buffer, out _))
            {
                errors.Invalid(path + ".caBundle", "<bytes>", "must be base64 encoded PEM");
            }
        }
    }

    private static void ValidateUrl(FieldErrors errors, string path, string url)
    {
        const string form = "; desired format: https://host[/path]";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            errors.Required(path, "url must be a valid URL" + form);
            return;
        }

        if (uri.Scheme != "https")
        {
            errors.Invalid(path, uri.Scheme, "'https' is the only allowed URL scheme" + form);
        }

        if (uri.Host.Length == 0)
        {
            errors.Invalid(path, uri.Host, "host must be specified" + form);
        }

        if (uri.UserInfo.Length > 0)
        {
            errors.Invalid(path, uri.UserInfo, "user information is not permitted in the URL");
        }

        if (uri.Fragment.Length > 0)
        {
            errors.Invalid(path, uri.Fragment.TrimStart('#'), "fragments are not permitted in the URL");
        }

        if (uri.Query.Length > 0)
        {
            errors.Invalid(path, uri.Query.TrimStart('?'), "query parameters are not permitted in the URL");
        }
    }

    private static void OneOf(FieldErrors errors, string path, string? value, params string[] supported)
    {
        if (value is not null && !supported.Contains(value))
        {
            errors.NotSupported(path, value, supported);
        }
    }

    private static string? Str(JsonObject? obj, string property) =>
        obj?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static List<string> Strings(JsonNode? node) =>
        (node as JsonArray)?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty).ToList() ?? [];

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();
}
