using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// Validation of our own objects. Each problem is reported as "field: Invalid value: ...: why", the form
/// kube-apiserver uses, so a 422 tells the user exactly which field to fix.
/// </summary>
public static class PediaClusterValidation
{
    public static void ValidateV1Alpha2(JsonObject obj, List<string> errors) =>
        ValidatePediaCluster(obj, errors, "apiserver", "syncResources");

    public static void ValidateV1Alpha1(JsonObject obj, List<string> errors) =>
        ValidatePediaCluster(obj, errors, "apiserverURL", "resources");

    public static void ValidateSyncResources(JsonObject obj, List<string> errors)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            errors.Add("spec: Required value");
            return;
        }

        ValidateSyncList(spec["syncResources"], "spec.syncResources", errors, required: true);
    }

    /// <summary>metadata.name must be a DNS-1123 subdomain, as for every cluster-scoped Kubernetes object.</summary>
    public static void ValidateName(string? name, List<string> errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            errors.Add("metadata.name: Required value: name or generateName is required");
        }
        else
        {
            foreach (var message in LabelValidation.IsDns1123Subdomain(name))
            {
                errors.Add($"metadata.name: Invalid value: \"{name}\": {message}");
            }
        }
    }

    private static void ValidatePediaCluster(JsonObject obj, List<string> errors, string apiserverField, string resourcesField)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            errors.Add("spec: Required value");
            return;
        }

        var kubeconfig = StringField(spec, "kubeconfig", errors);
        if (kubeconfig is not null)
        {
            CheckBase64(kubeconfig, "spec.kubeconfig", errors);
        }

        var apiserver = StringField(spec, apiserverField, errors);
        var kubeconfigFromSecret = ValidateAuthenticationFrom(spec["authenticationFrom"], errors);
        if (kubeconfig is null && apiserver is null && !kubeconfigFromSecret)
        {
            errors.Add($"spec.{apiserverField}: Required value: one of spec.{apiserverField}, spec.kubeconfig or spec.authenticationFrom.kubeconfig must be set");
        }
        else if (apiserver is not null &&
            (!Uri.TryCreate(apiserver, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"spec.{apiserverField}: Invalid value: \"{apiserver}\": must be an absolute http or https URL");
        }

        foreach (var field in new[] { "caData", "tokenData", "certData", "keyData" })
        {
            if (StringField(spec, field, errors) is { } value)
            {
                CheckBase64(value, $"spec.{field}", errors);
            }
        }

        if ((spec["certData"] is null) != (spec["keyData"] is null))
        {
            errors.Add("spec.keyData: Invalid value: certData and keyData must be set together");
        }

        ValidateSyncList(spec[resourcesField], $"spec.{resourcesField}", errors, required: false);
        if (spec["syncAllCustomResources"] is { } all && all.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add("spec.syncAllCustomResources: Invalid value: must be a boolean");
        }
    }

    /// <summary>
    /// <c>spec.authenticationFrom</c>: Secret key references ({name, key}) read from the host cluster in hosted mode.
    /// Returns whether it names a kubeconfig (which then supplies the server URL).
    /// </summary>
    private static bool ValidateAuthenticationFrom(JsonNode? node, List<string> errors)
    {
        if (node is null)
        {
            return false;
        }

        if (node is not JsonObject from)
        {
            errors.Add("spec.authenticationFrom: Invalid value: must be an object of Secret key references (kubeconfig, ca, token, cert, key)");
            return false;
        }

        string[] fields = ["kubeconfig", "ca", "token", "cert", "key"];
        foreach (var (field, _) in from)
        {
            if (!fields.Contains(field, StringComparer.Ordinal))
            {
                errors.Add($"spec.authenticationFrom.{field}: Unsupported value: must be one of {string.Join(", ", fields)}");
            }
        }

        foreach (var field in fields)
        {
            if (from[field] is not { } reference)
            {
                continue;
            }

            if (reference is not JsonObject secretKey)
            {
                errors.Add($"spec.authenticationFrom.{field}: Invalid value: must be {{name, key}} of a Secret");
                continue;
            }

            foreach (var part in new[] { "name", "key" })
            {
                if (secretKey[part] is not JsonValue v || !v.TryGetValue<string>(out var text) || text.Length == 0)
                {
                    errors.Add($"spec.authenticationFrom.{field}.{part}: Required value: the Secret's {part}");
                }
            }
        }

        if ((from["cert"] is null) != (from["key"] is null))
        {
            errors.Add("spec.authenticationFrom.key: Invalid value: cert and key must be set together");
        }

        return from["kubeconfig"] is JsonObject;
    }

    private static void ValidateSyncList(JsonNode? node, string path, List<string> errors, bool required)
    {
        if (node is null)
        {
            if (required)
            {
                errors.Add($"{path}: Required value");
            }

            return;
        }

        if (node is not JsonArray items)
        {
            errors.Add($"{path}: Invalid value: must be a list of {{group, versions, resources}}");
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (items[i] is not JsonObject item)
            {
                errors.Add($"{itemPath}: Invalid value: must be an object with group and resources");
                continue;
            }

            if (item["group"] is { } g && g.GetValueKind() != JsonValueKind.String)
            {
                errors.Add($"{itemPath}.group: Invalid value: must be a string (\"\" is the core group, \"*\" every group)");
            }

            if (item["resources"] is not JsonArray resources || resources.Count == 0)
            {
                errors.Add($"{itemPath}.resources: Required value: list the resources to sync, or \"*\" for every resource of the group");
            }
            else if (resources.Any(r => r is null || r.GetValueKind() != JsonValueKind.String || r.GetValue<string>().Length == 0))
            {
                errors.Add($"{itemPath}.resources: Invalid value: every entry must be a non-empty resource name");
            }

            if (item["versions"] is { } versions &&
                (versions is not JsonArray va || va.Any(v => v is null || v.GetValueKind() != JsonValueKind.String)))
            {
                errors.Add($"{itemPath}.versions: Invalid value: must be a list of version names");
            }
        }
    }

    private static string? StringField(JsonObject spec, string field, List<string> errors)
    {
        var node = spec[field];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add($"spec.{field}: Invalid value: must be a string");
            return null;
        }

        var value = node.GetValue<string>();
        return value.Length == 0 ? null : value;
    }

    private static void CheckBase64(string value, string field, List<string> errors)
    {
        var buffer = new byte[value.Length];
        if (!Convert.TryFromBase64String(value.Trim(), buffer, out _))
        {
            errors.Add($"{field}: Invalid value: must be base64-encoded");
        }
    }
}
