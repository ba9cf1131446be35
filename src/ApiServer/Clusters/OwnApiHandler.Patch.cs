using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.Kube.Patching;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>Patches of our own objects: JSON patch, merge patch and server-side apply, within the request limits.</summary>
internal sealed partial class OwnApiHandler
{
    /// <summary>
    /// The patch as a function of the current object, and whether it names a resourceVersion (a precondition: a
    /// patch without one is retried on a concurrent write, as kube-apiserver does).
    /// </summary>
    private async Task<(Func<JsonObject, JsonObject> Apply, bool Preconditioned)> ReadPatchAsync(HttpContext context)
    {
        var contentType = RequestBody.MediaType(context, "");
        if (contentType is not ("application/merge-patch+json" or "application/strategic-merge-patch+json" or "application/json-patch+json"))
        {
            throw new ApiException(415, "UnsupportedMediaType",
                $"the patch content type \"{contentType}\" is not supported: use application/merge-patch+json, application/strategic-merge-patch+json or application/json-patch+json");
        }

        var limits = Limits;
        var node = await RequestBody.ReadJsonAsync(context, limits).ConfigureAwait(false);
        switch (contentType)
        {
            case "application/merge-patch+json":
            case "application/strategic-merge-patch+json":
                // Our objects have no list-merge keys, so a strategic merge patch is a plain merge patch here.
                if (node is not JsonObject)
                {
                    throw ApiException.BadRequest("a merge patch must be a JSON object");
                }

                return (current => JsonMergePatch.Apply(current, node) as JsonObject
                    ?? throw ApiException.BadRequest("the patch must leave an object"), NamesResourceVersion(node));
            case "application/json-patch+json":
                if (node is not JsonArray ops)
                {
                    throw ApiException.BadRequest("a JSON patch must be a JSON array of operations");
                }

                var patchLimits = new JsonPatchLimits(limits.MaxJsonPatchOperations, limits.MaxBodyDepth, limits.MaxObjectBytes);
                var preconditioned = ops.Any(op => op?["path"] is JsonValue path && path.TryGetValue<string>(out var p) && p == "/metadata/resourceVersion");
                return (current => ApplyJsonPatch(current, ops, patchLimits) as JsonObject
                    ?? throw ApiException.BadRequest("the patch must leave an object"), preconditioned);
            default:
                throw new ApiException(415, "UnsupportedMediaType",
                    $"the patch content type \"{contentType}\" is not supported: use application/merge-patch+json, application/strategic-merge-patch+json or application/json-patch+json");
        }
    }

    /// <summary>JSON patch within the request limits; a limit hit names our option for it.</summary>
    private static JsonNode ApplyJsonPatch(JsonObject current, JsonArray ops, JsonPatchLimits limits)
    {
        try
        {
            return JsonPatch.Apply(current, ops, limits);
        }
        catch (PatchException e) when (e.ExceededLimit is { } limit)
        {
            var option = limit switch
            {
                nameof(JsonPatchLimits.MaxOperations) => nameof(RequestLimits.MaxJsonPatchOperations),
                nameof(JsonPatchLimits.MaxDepth) => nameof(RequestLimits.MaxBodyDepth),
                _ => nameof(RequestLimits.MaxObjectBytes),
            };
            throw new ApiException(e.Code, e.Code == 413 ? "RequestEntityTooLarge" : "Invalid", $"{e.Message} ({RequestLimits.Section}:{option})");
        }
    }

    private static bool IsApplyPatch(HttpContext context) =>
        RequestBody.MediaType(context, "") == "application/apply-patch+yaml";

    /// <summary>
    /// <c>kubectl apply --server-side</c>: creates the object when it does not exist, otherwise merges the applied
    /// configuration into it. Field ownership is not tracked (a field dropped from the applied configuration is
    /// kept, not removed), which is enough for objects that have one owner, as PediaClusters do.
    /// </summary>
    private async Task ServerSideApplyAsync(HttpContext context, OwnResource resource, string name)
    {
        if (string.IsNullOrEmpty(context.Request.Query["fieldManager"].ToString()))
        {
            throw ApiException.BadRequest("fieldManager: Required value: is required for apply requests");
        }

        var applied = await RequestBody.ReadYamlAsync(context, Limits).ConfigureAwait(false) as JsonObject
            ?? throw ApiException.BadRequest("an apply patch must be an object");
        CheckTypeMeta(applied, resource);
        if (Str(applied["metadata"]?["name"]) is { } bodyName && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        if (await StoreOf(resource).GetAsync(resource.StorageKey, name, context.RequestAborted).ConfigureAwait(false) is null)
        {
            var metadata = applied["metadata"] as JsonObject ?? [];
            applied["metadata"] = metadata;
            metadata["name"] = name;
            await CreateObjectAsync(context, resource, applied).ConfigureAwait(false);
            return;
        }

        await UpdateAsync(context, resource, name, statusSubresource: false, NamesResourceVersion(applied), current => JsonMergePatch.Apply(current, applied) as JsonObject
            ?? throw ApiException.BadRequest("the apply patch must leave an object")).ConfigureAwait(false);
    }

    /// <summary>Whether an object (a body, a merge patch, an applied configuration) sets metadata.resourceVersion.</summary>
    private static bool NamesResourceVersion(JsonNode? obj) =>
        obj?["metadata"] is JsonObject metadata && metadata.TryGetPropertyValue("resourceVersion", out var rv) && rv is not null
        && Str(rv) is { Length: > 0 };
}
