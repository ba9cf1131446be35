using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>
/// Validation of <c>metadata</c> on our own objects, as kube-apiserver's ObjectMeta validation does it: the types
/// (labels and annotations are maps of strings, finalizers a list of strings, ownerReferences a list of
/// references), label and annotation key syntax, label values, and the total size of annotations. Objects are
/// stored as JSON, so without this a wrong type would be stored and break every later reader of the object.
/// </summary>
internal static class ObjectMetaValidation
{

    public static void Validate(JsonObject metadata, RequestLimits limits, List<string> errors)
    {
        foreach (var field in new[] { "name", "generateName", "namespace", "resourceVersion", "uid" })
        {
            if (metadata[field] is { } value && value.GetValueKind() != JsonValueKind.String)
            {
                errors.Add($"metadata.{field}: Invalid value: {Show(value)}: must be a string");
            }
        }

        if (metadata["generation"] is { } generation && generation.GetValueKind() != JsonValueKind.Number)
        {
            errors.Add($"metadata.generation: Invalid value: {Show(generation)}: must be an integer");
        }

        ValidateLabels(metadata["labels"], errors);
        ValidateAnnotations(metadata["annotations"], limits, errors);
        ValidateFinalizers(metadata["finalizers"], errors);
        ValidateOwnerReferences(metadata["ownerReferences"], errors);
        if (metadata["managedFields"] is { } managed && (managed is not JsonArray entries || entries.Any(e => e is not JsonObject)))
        {
            errors.Add("metadata.managedFields: Invalid value: must be a list of objects");
        }
    }

    private static void ValidateLabels(JsonNode? node, List<string> errors)
    {
        const string path = "metadata.labels";
        if (node is null)
        {
            return;
        }

        if (node is not JsonObject labels)
        {
            errors.Add($"{path}: Invalid value: {Show(node)}: must be a map of string keys to string values");
            return;
        }

        foreach (var (key, value) in labels)
        {
            CheckQualifiedName(key, path, errors);
            if (value is null || value.GetValueKind() != JsonValueKind.String)
            {
                errors.Add($"{path}[{key}]: Invalid value: {Show(value)}: must be a string");
                continue;
            }

            var text = value.GetValue<string>();
            foreach (var message in LabelValidation.IsValidLabelValue(text))
            {
                errors.Add($"{path}: Invalid value: \"{Truncate(text)}\": {message}");
            }
        }
    }

    private static void ValidateAnnotations(JsonNode? node, RequestLimits limits, List<string> errors)
    {
        const string path = "metadata.annotations";
        if (node is null)
        {
            return;
        }

        if (node is not JsonObject annotations)
        {
            errors.Add($"{path}: Invalid value: {Show(node)}: must be a map of string keys to string values");
            return;
        }

        long total = 0;
        foreach (var (key, value) in annotations)
        {
            CheckQualifiedName(key.ToLowerInvariant(), path, errors);
            total += System.Text.Encoding.UTF8.GetByteCount(key);
            if (value is null || value.GetValueKind() != JsonValueKind.String)
            {
                errors.Add($"{path}[{key}]: Invalid value: {Show(value)}: must be a string");
                continue;
            }

            total += System.Text.Encoding.UTF8.GetByteCount(value.GetValue<string>());
        }

        if (total > limits.MaxAnnotationsBytes)
        {
            errors.Add($"{path}: Too long: must have at most {limits.MaxAnnotationsBytes} bytes ({RequestLimits.Section}:{nameof(RequestLimits.MaxAnnotationsBytes)})");
        }
    }

    private static void ValidateFinalizers(JsonNode? node, List<string> errors)
    {
        const string path = "metadata.finalizers";
        if (node is null)
        {
            return;
        }

        if (node is not JsonArray finalizers)
        {
            errors.Add($"{path}: Invalid value: {Show(node)}: must be a list of strings");
            return;
        }

        for (var i = 0; i < finalizers.Count; i++)
        {
            var item = finalizers[i];
            if (item is null || item.GetValueKind() != JsonValueKind.String)
            {
                errors.Add($"{path}[{i}]: Invalid value: {Show(item)}: must be a string");
                continue;
            }

            CheckQualifiedName(item.GetValue<string>(), $"{path}[{i}]", errors);
        }
    }

    private static void ValidateOwnerReferences(JsonNode? node, List<string> errors)
    {
        const string path = "metadata.ownerReferences";
        if (node is null)
        {
            return;
        }

        if (node is not JsonArray references)
        {
            errors.Add($"{path}: Invalid value: {Show(node)}: must be a list of owner references");
            return;
        }

        var controllers = 0;
        for (var i = 0; i < references.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (references[i] is not JsonObject reference)
            {
                errors.Add($"{itemPath}: Invalid value: {Show(references[i])}: must be an object with apiVersion, kind, name and uid");
                continue;
            }

            foreach (var field in new[] { "apiVersion", "kind", "name", "uid" })
            {
                var value = reference[field];
                if (value is null)
                {
                    errors.Add($"{itemPath}.{field}: Required value: {field} must not be empty");
                }
                else if (value.GetValueKind() != JsonValueKind.String)
                {
                    errors.Add($"{itemPath}.{field}: Invalid value: {Show(value)}: must be a string");
                }
                else if (value.GetValue<string>().Length == 0)
                {
                    errors.Add($"{itemPath}.{field}: Required value: {field} must not be empty");
                }
            }

            foreach (var field in new[] { "controller", "blockOwnerDeletion" })
            {
                if (reference[field] is { } flag && flag.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{itemPath}.{field}: Invalid value: {Show(flag)}: must be a boolean");
                }
                else if (field == "controller" && reference[field]?.GetValueKind() == JsonValueKind.True)
                {
                    controllers++;
                }
            }
        }

        if (controllers > 1)
        {
            errors.Add($"{path}: Invalid value: only one reference can have controller set to true, found {controllers}");
        }
    }

    /// <summary>kube-apiserver's IsQualifiedName: [prefix/]name, the prefix a DNS subdomain, the name at most 63 characters.</summary>
    private static void CheckQualifiedName(string value, string path, List<string> errors)
    {
        foreach (var message in LabelValidation.IsQualifiedName(value))
        {
            errors.Add($"{path}: Invalid value: \"{Truncate(value)}\": {message}");
        }
    }

    /// <summary>The offending value as JSON, cut short: an error message must not echo a megabyte back.</summary>
    private static string Show(JsonNode? value) => value is null ? "null" : Truncate(value.ToJsonString());

    private static string Truncate(string text)
    {
        if (text.Length <= 80)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[79]) ? 79 : 80;
        return text[..cut] + "...";
    }
}
