using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// The three patch formats kube-apiserver accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic
/// merge patch, the latter with the merge keys of the built-in fields kubectl apply touches (containers by name,
/// ports by containerPort/port, conditions by type...) and the directives kubectl sends ($patch, $setElementOrder,
/// $deleteFromPrimitiveList, $retainKeys).
/// </summary>
internal static class Patching
{
    private static readonly Dictionary<string, string> _mergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["hostAliases"] = "ip",
        ["topologySpreadConstraints"] = "topologyKey",
        ["resourceClaims"] = "name",
        ["schedulingGates"] = "name",
    };

    // Primitive lists merged as sets.
    private static readonly HashSet<string> _mergedPrimitiveLists = new(StringComparer.Ordinal) { "finalizers" };

    public static JsonObject MergePatch(JsonObject target, JsonNode? patch) =>
        Shared(() => Kube.Patching.JsonMergePatch.Apply(target, patch)) as JsonObject
            ?? throw SimulatorApiException.BadRequest("the merge patch must be a JSON object");

    /// <summary>Runs a shared patch implementation, turning its errors into the Status kube-apiserver answers.</summary>
    private static JsonNode? Shared(Func<JsonNode?> apply)
    {
        try
        {
            return apply();
        }
        catch (Kube.Patching.PatchException e)
        {
            throw e.Code == 422
                ? new SimulatorApiException(422, "Invalid", $"the server rejected our request due to an error in our request: {e.Message}")
                : SimulatorApiException.BadRequest(e.Message);
        }
    }

    public static JsonObject StrategicMergePatch(JsonObject target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            throw SimulatorApiException.BadRequest("the strategic merge patch must be a JSON object");
        }

        return StrategicMergeObject(target, patchObject) ?? [];
    }

    private static JsonObject? StrategicMergeObject(JsonObject target, JsonObject patch)
    {
        switch (ObjectJsonDirective(patch))
        {
            case "delete":
                return null;
            case "replace":
                var replacement = (JsonObject)patch.DeepClone();
                replacement.Remove("$patch");
                return replacement;
        }

        List<string>? retainKeys = null;
        foreach (var (key, value) in patch)
        {
            if (key == "$patch" || key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                continue;
            }

            if (key == "$retainKeys")
            {
                retainKeys = (value as JsonArray)?.Select(v => v?.GetValue<string>() ?? string.Empty).ToList();
                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var listName = key["$deleteFromPrimitiveList/".Length..];
                if (target[listName] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var item in list.ToList())
                    {
                        if (remove.Any(r => JsonNode.DeepEquals(r, item)))
                        {
                            list.Remove(item);
                        }
                    }
                }

                continue;
            }

            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchChild)
            {
                var merged = StrategicMergeObject(target[key] as JsonObject ?? [], patchChild);
                if (merged is null)
                {
                    target.Remove(key);
                }
                else
                {
                    target[key] = merged.Parent is null ? merged : merged.DeepClone();
                }
            }
            else if (value is JsonArray patchList)
            {
                target[key] = MergeList(key, target[key] as JsonArray, patchList);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }

        if (retainKeys is not null)
        {
            foreach (var key in target.Select(p => p.Key).ToList())
            {
                if (!retainKeys.Contains(key, StringComparer.Ordinal))
                {
                    target.Remove(key);
                }
            }
        }

        return target;
    }

    private static JsonArray MergeList(string name, JsonArray? target, JsonArray patch)
    {
        if (patch.Any(item => item is JsonObject o && ObjectJsonDirective(o) == "replace"))
        {
            return new JsonArray(patch.Where(item => !(item is JsonObject o && ObjectJsonDirective(o) == "replace"))
                .Select(item => item?.DeepClone()).ToArray());
        }

        if (target is null)
        {
            return new JsonArray(patch.Where(item => !(item is JsonObject o && ObjectJsonDirective(o) == "delete"))
                .Select(item => item?.DeepClone()).ToArray());
        }

        if (_mergedPrimitiveLists.Contains(name))
        {
            var result = (JsonArray)target.DeepClone();
            foreach (var item in patch)
            {
                if (!result.Any(existing => JsonNode.DeepEquals(existing, item)))
                {
                    result.Add(item?.DeepClone());
                }
            }

            return result;
        }

        var mergeKey = MergeKey(name, patch);
        if (mergeKey is null)
        {
            return (JsonArray)patch.DeepClone();
        }

        var merged = (JsonArray)target.DeepClone();
        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem)
            {
                continue;
            }

            var keyValue = patchItem[mergeKey];
            var existing = merged.OfType<JsonObject>().FirstOrDefault(e => JsonNode.DeepEquals(e[mergeKey], keyValue));
            if (ObjectJsonDirective(patchItem) == "delete")
            {
                if (existing is not null)
                {
                    merged.Remove(existing);
                }

                continue;
            }

            if (existing is null)
            {
                merged.Add(patchItem.DeepClone());
            }
            else
            {
                StrategicMergeObject(existing, (JsonObject)patchItem.DeepClone());
            }
        }

        return merged;
    }

    private static string? MergeKey(string name, JsonArray patch)
    {
        if (name == "ports")
        {
            return patch.OfType<JsonObject>().Any(p => p["containerPort"] is not null) ? "containerPort" : "port";
        }

        return _mergeKeys.GetValueOrDefault(name);
    }

    private static string? ObjectJsonDirective(JsonObject obj) =>
        obj["$patch"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static JsonObject JsonPatch(JsonObject target, JsonNode? patch) =>
        patch is JsonArray operations
            ? Shared(() => Kube.Patching.JsonPatch.Apply(target, operations)) as JsonObject
                ?? throw SimulatorApiException.BadRequest("the JSON patch did not produce an object")
            : throw SimulatorApiException.BadRequest("a JSON patch must be an array of operations");
}
