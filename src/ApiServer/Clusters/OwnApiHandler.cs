using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Discovery;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Hosted;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Patching;
using Clusterpedia.Kube.Selectors;
using Clusterpedia.Kube.Server;
using Clusterpedia.Storage;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>
/// The REST semantics of our own cluster-scoped objects (PediaCluster, ClusterSyncResources) at the server root:
/// get, list, watch, create, update, patch, delete and the status subresource, with optimistic concurrency on
/// resourceVersion. Objects are stored in their storage version without resourceVersion; the store's revision
/// becomes metadata.resourceVersion on the way out.
/// </summary>
internal sealed partial class OwnApiHandler(
    IApiObjectStore store, OpenApiDocuments openApi, TimeProvider time, IOptions<HostClusterOptions> hosted, IOptions<RequestLimits> requestLimits, IOptions<QueryLimits> limits)
{
    private static readonly JsonSerializerOptions _writeOptions = new() { WriteIndented = false };

    private RequestLimits Limits => requestLimits.Value;

    public async Task HandleAsync(HttpContext context, OwnResource resource, string? name, bool statusSubresource)
    {
        var method = context.Request.Method;
        if (hosted.Value.Enabled && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            // The host cluster is the source of truth; reads are served from its cache, writes belong there.
            throw new ApiException(405, "MethodNotAllowed",
                $"in hosted mode {resource.GroupResource} are read-only here: create, change and delete them in the host cluster (kubectl --kubeconfig <host kubeconfig> ...)");
        }

        if (statusSubresource && !resource.HasStatus)
        {
            throw ApiException.PathNotFound();
        }

        if (name is null)
        {
            if (HttpMethods.IsGet(method))
            {
                if (context.Request.Query.IsWatch())
                {
                    await WatchAsync(context, resource).ConfigureAwait(false);
                }
                else
                {
                    await ListAsync(context, resource).ConfigureAwait(false);
                }
            }
            else if (HttpMethods.IsPost(method))
            {
                await CreateAsync(context, resource).ConfigureAwait(false);
            }
            else
            {
                throw ApiException.MethodNotAllowed(method);
            }

            return;
        }

        if (HttpMethods.IsGet(method))
        {
            var existing = await GetExistingAsync(resource, name, context.RequestAborted).ConfigureAwait(false);
            await WriteObjectAsync(context, resource, 200, existing).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPut(method))
        {
            var body = await ReadObjectAsync(context, resource).ConfigureAwait(false);
            await UpdateAsync(context, resource, name, statusSubresource, _ => body).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPatch(method) && IsApplyPatch(context) && !statusSubresource)
        {
            await ServerSideApplyAsync(context, resource, name).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPatch(method))
        {
            var patch = await ReadPatchAsync(context).ConfigureAwait(false);
            await UpdateAsync(context, resource, name, statusSubresource, current => patch(current)).ConfigureAwait(false);
        }
        else if (HttpMethods.IsDelete(method) && !statusSubresource)
        {
            await DeleteAsync(context, resource, name).ConfigureAwait(false);
        }
        else
        {
            throw ApiException.MethodNotAllowed(method);
        }
    }

    private async Task<ApiObject> GetExistingAsync(OwnResource resource, string name, CancellationToken ct) =>
        await store.GetAsync(resource.StorageKey, name, ct).ConfigureAwait(false)
        ?? throw ApiException.NotFound(resource.Group, resource.Resource, name);

    /// <summary>
    /// dryRun is a list whose only value is "All", as on kube-apiserver. Anything else (dryRun=all, dryRun=true) is
    /// refused: taken as "not a dry run" it would make the write a client meant to try out.
    /// </summary>
    private static bool IsDryRun(HttpContext context)
    {
        var values = context.Request.Query["dryRun"];
        foreach (var value in values)
        {
            if (value != "All")
            {
                throw ApiException.BadRequest($"dryRun: Unsupported value: \"{value}\": supported values: \"All\"");
            }
        }

        return values.Count > 0;
    }

    private static JsonObject ToApi(OwnResource resource, ApiObject stored)
    {
        var obj = resource.FromStorage((JsonObject)JsonNode.Parse(stored.Object.Span)!);
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        metadata["resourceVersion"] = stored.Revision.ToString(CultureInfo.InvariantCulture);
        obj["apiVersion"] = resource.ApiVersion;
        obj["kind"] = resource.Kind;
        return obj;
    }

    private async Task WriteObjectAsync(HttpContext context, OwnResource resource, int code, ApiObject stored)
    {
        var obj = ToApi(resource, stored);
        var format = ResponseFormat.Negotiate(context.Request.Headers.Accept.ToString());
        await JsonResponse.WriteAsync(context, code, json =>
        {
            if (format.Kind == ResponseKind.Table)
            {
                WriteTable(json, resource, format, [obj], null);
            }
            else
            {
                obj.WriteTo(json);
            }
        }).ConfigureAwait(false);
    }

    private void WriteTable(Utf8JsonWriter json, OwnResource resource, ResponseFormat format, IReadOnlyList<JsonObject> items, string? listResourceVersion)
    {
        var now = time.GetUtcNow();
        TableJson.WriteStart(json, format.MetaVersion, listResourceVersion);
        TableJson.WriteColumnDefinitions(json, resource.Printer.Columns);
        json.WriteStartArray("rows");
        foreach (var item in items)
        {
            using var doc = JsonDocument.Parse(item.ToJsonString(_writeOptions));
            TableJson.WriteRow(json, resource.Printer, doc.RootElement, now, IncludeObject.Metadata, format.MetaVersion);
        }

        TableJson.WriteEnd(json);
    }

    private async Task<(List<ApiObject> Items, long Revision)> ListMatchingAsync(HttpContext context, OwnResource resource)
    {
        var labelSelector = ParseLabels(context.Request.Query["labelSelector"].ToString());
        var nameFilter = ParseNameField(context.Request.Query["fieldSelector"].ToString());
        IReadOnlyList<ApiObject> all;
        long revision;
        if (store is IApiObjectChangeFeed feed)
        {
            // The store's revision, not the newest object's: a watch from it must also be past every delete.
            (all, revision) = await feed.ListWithRevisionAsync(resource.StorageKey, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            all = await store.ListAsync(resource.StorageKey, context.RequestAborted).ConfigureAwait(false);
            revision = all.Count == 0 ? 0 : all.Max(o => o.Revision);
        }

        var items = new List<ApiObject>();
        foreach (var o in all)
        {
            if (nameFilter is not null && nameFilter != o.Name)
            {
                continue;
            }

            if (!labelSelector.IsEmpty && !labelSelector.Matches(Labels(o)))
            {
                continue;
            }

            items.Add(o);
        }

        return (items, revision);
    }

    private async Task ListAsync(HttpContext context, OwnResource resource)
    {
        var format = ResponseFormat.Negotiate(context.Request.Headers.Accept.ToString());
        var (items, revision) = await ListMatchingAsync(context, resource).ConfigureAwait(false);
        var rv = revision.ToString(CultureInfo.InvariantCulture);
        var objects = items.Select(o => ToApi(resource, o)).ToList();
        await JsonResponse.WriteAsync(context, 200, json =>
        {
            if (format.Kind == ResponseKind.Table)
            {
                WriteTable(json, resource, format, objects, rv);
                return;
            }

            json.WriteStartObject();
            json.WriteString("kind", resource.Kind + "List");
            json.WriteString("apiVersion", resource.ApiVersion);
            json.WriteStartObject("metadata");
            json.WriteString("resourceVersion", rv);
            json.WriteEndObject();
            json.WriteStartArray("items");
            foreach (var o in objects)
            {
                o.WriteTo(json);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteEvent(HttpContext context, string type, JsonObject obj) =>
        WatchEventFrame.Write(context.Response.BodyWriter, type, Serialize(obj));

    private LabelSelector ParseLabels(string text)
    {
        try
        {
            var selector = LabelSelector.Parse(text);
            if (selector.Requirements.Count > limits.Value.MaxSelectorRequirements)
            {
                throw ApiException.BadRequest(
                    $"labelSelector: Too many: {selector.Requirements.Count}: at most {limits.Value.MaxSelectorRequirements} requirements are allowed (Limits:Query:MaxSelectorRequirements)");
            }

            return selector;
        }
        catch (SelectorParseException e)
        {
            throw ApiException.BadRequest($"labelSelector: {e.Message}");
        }
    }

    private static string? ParseNameField(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        foreach (var part in text.Split(','))
        {
            var p = part.Trim();
            foreach (var prefix in new[] { "metadata.name==", "metadata.name=" })
            {
                if (p.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return p[prefix.Length..];
                }
            }

            throw ApiException.BadRequest($"fieldSelector: \"{p}\" is not a supported field selector: this resource supports metadata.name=<name>");
        }

        return null;
    }

    private static Dictionary<string, string> Labels(ApiObject o)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(o.Object);
        if (doc.RootElement.TryGetProperty("metadata", out var m) && m.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in labels.EnumerateObject())
            {
                result[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        return result;
    }

    private async Task<JsonObject> ReadObjectAsync(HttpContext context, OwnResource resource)
    {
        var contentType = (context.Request.ContentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();
        JsonNode? node;
        if (contentType == "application/json")
        {
            node = await RequestBody.ReadJsonAsync(context, Limits).ConfigureAwait(false);
        }
        else if (contentType is "application/yaml" or "application/x-yaml" or "text/yaml")
        {
            node = await RequestBody.ReadYamlAsync(context, Limits).ConfigureAwait(false);
        }
        else
        {
            throw ApiException.UnsupportedMediaType(contentType);
        }

        if (node is not JsonObject obj)
        {
            throw ApiException.BadRequest("the request body must be a JSON object");
        }

        CheckTypeMeta(obj, resource);
        return obj;
    }

    private static void CheckTypeMeta(JsonObject obj, OwnResource resource)
    {
        var apiVersion = obj["apiVersion"]?.GetValueKind() == JsonValueKind.String ? obj["apiVersion"]!.GetValue<string>() : null;
        var kind = obj["kind"]?.GetValueKind() == JsonValueKind.String ? obj["kind"]!.GetValue<string>() : null;
        if (apiVersion is not null && apiVersion != resource.ApiVersion)
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({resource.ApiVersion})");
        }

        if (kind is not null && kind != resource.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({resource.Kind})");
        }

        if (obj["metadata"] is not null and not JsonObject)
        {
            throw ApiException.BadRequest("metadata: must be an object");
        }

        obj["apiVersion"] = resource.ApiVersion;
        obj["kind"] = resource.Kind;
    }

    private async Task<Func<JsonObject, JsonObject>> ReadPatchAsync(HttpContext context)
    {
        var contentType = (context.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
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

                return current => JsonMergePatch.Apply(current, node) as JsonObject
                    ?? throw ApiException.BadRequest("the patch must leave an object");
            case "application/json-patch+json":
                if (node is not JsonArray ops)
                {
                    throw ApiException.BadRequest("a JSON patch must be a JSON array of operations");
                }

                var patchLimits = new JsonPatchLimits(limits.MaxJsonPatchOperations, limits.MaxBodyDepth, limits.MaxObjectBytes);
                return current => ApplyJsonPatch(current, ops, patchLimits) as JsonObject
                    ?? throw ApiException.BadRequest("the patch must leave an object");
            default:
                throw new ApiException(415, "UnsupportedMediaType",
                    $"the patch content type \"{contentType}\" is not supported: use application/merge-patch+json, application/strategic-merge-patch+json or application/json-patch+json");
        }
    }

    /// <summary>
    /// Deletes at once when the object has no finalizers; otherwise marks it with deletionTimestamp and leaves the
    /// removal to whoever owns the finalizers (the synchro manager removes a PediaCluster's data first).
    /// </summary>
    private async Task DeleteAsync(HttpContext context, OwnResource resource, string name)
    {
        var ct = context.RequestAborted;
        var existing = await GetExistingAsync(resource, name, ct).ConfigureAwait(false);
        var obj = JsonNode.Parse(existing.Object.Span)!.AsObject();
        var metadata = obj["metadata"] as JsonObject ?? [];
        var hasFinalizers = metadata["finalizers"] is JsonArray { Count: > 0 };
        if (IsDryRun(context))
        {
            await WriteObjectAsync(context, resource, 200, existing).ConfigureAwait(false);
            return;
        }

        if (!hasFinalizers)
        {
            await store.DeleteAsync(resource.StorageKey, name, ct).ConfigureAwait(false);
            await WriteObjectAsync(context, resource, 200, existing).ConfigureAwait(false);
            return;
        }

        if (metadata["deletionTimestamp"] is null)
        {
            metadata["deletionTimestamp"] = KubeTime.Format(time.GetUtcNow());
            metadata["deletionGracePeriodSeconds"] = 0;
            try
            {
                existing = await store.UpdateAsync(resource.StorageKey, name, Serialize(obj), existing.Revision, ct).ConfigureAwait(false);
            }
            catch (ApiObjectConflictException)
            {
                throw ApiException.Conflict(resource.Group, resource.Resource, name, "the object has been modified; please apply your changes to the latest version and try again");
            }
        }

        // A foreign finalizer holds the object until its owner removes it, which may take any time: answer at once
        // with the marked object, as kube-apiserver does.
        var finalizers = metadata["finalizers"] as JsonArray ?? [];
        if (finalizers.Any(f => Str(f) != PediaClusterResource.Finalizer))
        {
            await WriteObjectAsync(context, resource, 200, existing).ConfigureAwait(false);
            return;
        }

        // Only our data finalizer: its owner (the synchro manager) usually finishes within moments, so wait briefly
        // and the client sees a completed deletion, as it would without finalizers. Past the wait, answer with the
        // marked object.
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(10);
        while (time.GetUtcNow() < deadline)
        {
            if (await store.GetAsync(resource.StorageKey, name, ct).ConfigureAwait(false) is null)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct).ConfigureAwait(false);
        }

        await WriteObjectAsync(context, resource, 200, existing).ConfigureAwait(false);
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
        (context.Request.ContentType ?? "").Split(';')[0].Trim().Equals("application/apply-patch+yaml", StringComparison.OrdinalIgnoreCase);

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

        if (await store.GetAsync(resource.StorageKey, name, context.RequestAborted).ConfigureAwait(false) is null)
        {
            var metadata = applied["metadata"] as JsonObject ?? [];
            applied["metadata"] = metadata;
            metadata["name"] = name;
            await CreateObjectAsync(context, resource, applied).ConfigureAwait(false);
            return;
        }

        await UpdateAsync(context, resource, name, statusSubresource: false, current => JsonMergePatch.Apply(current, applied) as JsonObject
            ?? throw ApiException.BadRequest("the apply patch must leave an object")).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context, OwnResource resource)
    {
        var obj = await ReadObjectAsync(context, resource).ConfigureAwait(false);
        await CreateObjectAsync(context, resource, obj).ConfigureAwait(false);
    }

    private async Task CreateObjectAsync(HttpContext context, OwnResource resource, JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        var name = Str(metadata["name"]);
        if (string.IsNullOrEmpty(name) && Str(metadata["generateName"]) is { Length: > 0 } prefix)
        {
            name = prefix + RandomSuffix();
            metadata["name"] = name;
        }

        CheckUnknownFields(context, resource, obj);
        var errors = new List<string>();
        ObjectMetaValidation.Validate(metadata, Limits, errors);
        PediaClusterValidation.ValidateName(name, errors);
        resource.Validate(obj, errors);
        ThrowIfInvalid(resource, name ?? "", errors);

        metadata.Remove("resourceVersion");
        metadata.Remove("namespace");
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = KubeTime.Format(time.GetUtcNow());
        metadata["generation"] = 1;
        metadata.Remove("deletionTimestamp");
        if (resource.HasStatus)
        {
            obj.Remove("status");

            // PediaClusters carry the data finalizer: their objects are removed before they go.
            var finalizers = metadata["finalizers"] as JsonArray ?? [];
            if (!finalizers.Any(f => f?.GetValue<string>() == PediaClusterResource.Finalizer))
            {
                finalizers.Add(PediaClusterResource.Finalizer);
            }

            metadata["finalizers"] = finalizers;
        }

        var stored = resource.ToStorage(obj);
        stored.AsObject()["metadata"]!.AsObject().Remove("resourceVersion");
        var bytes = SerializeWithinLimit(resource, name!, stored);
        ApiObject created;
        if (IsDryRun(context))
        {
            created = new ApiObject(resource.StorageKey, name!, 0, bytes);
        }
        else
        {
            try
            {
                created = await store.CreateAsync(resource.StorageKey, name!, bytes, context.RequestAborted).ConfigureAwait(false);
            }
            catch (ApiObjectConflictException)
            {
                throw ApiException.AlreadyExists(resource.Group, resource.Resource, name!);
            }
        }

        await WriteObjectAsync(context, resource, 201, created).ConfigureAwait(false);
    }

    private async Task UpdateAsync(HttpContext context, OwnResource resource, string name, bool statusSubresource, Func<JsonObject, JsonObject> change)
    {
        var ct = context.RequestAborted;
        var existing = await GetExistingAsync(resource, name, ct).ConfigureAwait(false);
        var current = ToApi(resource, existing);
        var desired = change((JsonObject)current.DeepClone());
        CheckTypeMeta(desired, resource);
        var metadata = desired["metadata"] as JsonObject ?? [];
        desired["metadata"] = metadata;
        var bodyName = Str(metadata["name"]);
        if (bodyName is not null && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        if (Str(metadata["resourceVersion"]) is { } rv && rv != existing.Revision.ToString(CultureInfo.InvariantCulture))
        {
            throw ApiException.Conflict(resource.Group, resource.Resource, name, "the object has been modified; please apply your changes to the latest version and try again");
        }

        CheckUnknownFields(context, resource, desired);
        JsonObject result;
        if (statusSubresource)
        {
            // The status subresource changes status only.
            result = (JsonObject)current.DeepClone();
            result["status"] = desired["status"]?.DeepClone();
        }
        else
        {
            result = desired;
            var currentMeta = (JsonObject)current["metadata"]!;
            metadata["name"] = name;
            metadata["uid"] = currentMeta["uid"]?.DeepClone();
            metadata["creationTimestamp"] = currentMeta["creationTimestamp"]?.DeepClone();
            metadata["deletionTimestamp"] = currentMeta["deletionTimestamp"]?.DeepClone();
            if (metadata["deletionTimestamp"] is null)
            {
                metadata.Remove("deletionTimestamp");
            }
            if (resource.HasStatus)
            {
                result["status"] = current["status"]?.DeepClone();
                if (result["status"] is null)
                {
                    result.Remove("status");
                }
            }

            var generation = currentMeta["generation"]?.GetValue<long>() ?? 1;
            metadata["generation"] = JsonNode.DeepEquals(current["spec"], result["spec"]) ? generation : generation + 1;
        }

        var errors = new List<string>();
        ObjectMetaValidation.Validate(metadata, Limits, errors);
        resource.Validate(result, errors);
        ThrowIfInvalid(resource, name, errors);

        var stored = resource.ToStorage(result);
        stored["metadata"]!.AsObject().Remove("resourceVersion");
        var bytes = SerializeWithinLimit(resource, name, stored);
        ApiObject updated;
        if (IsDryRun(context))
        {
            updated = existing with { Object = bytes };
        }
        else if (result["metadata"]?["deletionTimestamp"] is not null && result["metadata"]?["finalizers"] is not JsonArray { Count: > 0 })
        {
            // The last finalizer of a deleted object was removed: the object goes now.
            await store.DeleteAsync(resource.StorageKey, name, ct).ConfigureAwait(false);
            updated = existing with { Object = bytes };
        }
        else
        {
            try
            {
                updated = await store.UpdateAsync(resource.StorageKey, name, bytes, existing.Revision, ct).ConfigureAwait(false);
            }
            catch (ApiObjectConflictException)
            {
                throw ApiException.Conflict(resource.Group, resource.Resource, name, "the object has been modified; please apply your changes to the latest version and try again");
            }
            catch (ApiObjectNotFoundException)
            {
                throw ApiException.NotFound(resource.Group, resource.Resource, name);
            }
        }

        await WriteObjectAsync(context, resource, 200, updated).ConfigureAwait(false);
    }

    /// <summary>
    /// Server-side field validation, as kube-apiserver does it: Strict rejects unknown fields with 400, Warn (the
    /// default) answers with a Warning header per field, Ignore skips the check.
    /// </summary>
    private void CheckUnknownFields(HttpContext context, OwnResource resource, JsonObject obj)
    {
        var mode = context.Request.Query["fieldValidation"].ToString();
        if (mode is not ("" or "Strict" or "Warn" or "Ignore"))
        {
            throw ApiException.BadRequest($"fieldValidation: Invalid value: \"{mode}\": supported values are Strict, Warn, Ignore");
        }

        if (mode == "Ignore")
        {
            return;
        }

        var unknown = openApi.UnknownFields(resource, obj);
        if (unknown.Count == 0)
        {
            return;
        }

        if (mode == "Strict")
        {
            // The answer names the first unknown fields, not a copy of a body that is nothing else.
            var list = string.Join(", ", unknown.Take(100).Select(u => $"unknown field \"{u}\""));
            if (unknown.Count > 100)
            {
                list += $" and {unknown.Count - 100} more";
            }

            throw ApiException.BadRequest($"{resource.Kind} in version \"{resource.Version}\" cannot be handled as a {resource.Kind}: strict decoding error: {list}");
        }

        WarningHeader.Append(context.Response, [.. unknown.Select(u => $"unknown field \"{u}\"")]);
    }

    private static void ThrowIfInvalid(OwnResource resource, string name, List<string> errors)
    {
        const int MaxReported = 100;
        if (errors.Count == 0)
        {
            return;
        }

        // A body can hold thousands of bad labels; the answer names the first ones, not a copy of the body.
        if (errors.Count > MaxReported)
        {
            var more = errors.Count - MaxReported;
            errors.RemoveRange(MaxReported, more);
            errors.Add($"{more} more errors not shown");
        }

        throw ApiException.Invalid(resource.Kind, resource.Group, name, errors);
    }

    private static byte[] Serialize(JsonObject obj) => JsonSerializer.SerializeToUtf8Bytes(obj, _writeOptions);

    /// <summary>
    /// The stored form, refused past <see cref="RequestLimits.MaxObjectBytes"/>: a patch or a body just under the
    /// request limit must not leave an object that every list and reconcile pass then has to move.
    /// </summary>
    private byte[] SerializeWithinLimit(OwnResource resource, string name, JsonNode stored)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(stored, _writeOptions);
        var max = Limits.MaxObjectBytes;
        if (bytes.Length > max)
        {
            throw new ApiException(413, "RequestEntityTooLarge",
                $"Request entity too large: {resource.Kind} \"{name}\" would be {bytes.Length} bytes stored, limit is {max} bytes ({RequestLimits.Section}:{nameof(RequestLimits.MaxObjectBytes)})");
        }

        return bytes;
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }
}
