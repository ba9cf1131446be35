using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.Kube;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>Writes of our own objects: create, update (with validation and unknown-field checks) and delete.</summary>
internal sealed partial class OwnApiHandler
{
    private async Task<JsonObject> ReadObjectAsync(HttpContext context, OwnResource resource)
    {
        var contentType = RequestBody.MediaType(context, "application/json");
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

    /// <summary>
    /// Deletes at once when the object has no finalizers; otherwise marks it with deletionTimestamp and leaves the
    /// removal to whoever owns the finalizers (the synchro manager removes a PediaCluster's data first).
    /// Marking is a compare-and-swap like an update that names no resourceVersion: a concurrent write (the synchro
    /// writing status just after a create) is not the caller's conflict, so the object is read again and marked again,
    /// as kube-apiserver's graceful deletion does inside GuaranteedUpdate. The body's DeleteOptions may ask for a dry
    /// run (kubectl's <c>--dry-run=server</c>) and name preconditions, checked against each read.
    /// </summary>
    private async Task DeleteAsync(HttpContext context, OwnResource resource, string name)
    {
        var options = await DeleteOptionsBody.ReadAsync(context, Limits).ConfigureAwait(false);
        options = options with { DryRun = options.DryRun || IsDryRun(context) };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DeleteOnceAsync(context, resource, name, options, retryConflict: attempt < _maxUpdateAttempts).ConfigureAwait(false);
                return;
            }
            catch (ApiObjectConflictException) when (attempt < _maxUpdateAttempts)
            {
                // Read again and mark again.
            }
        }
    }

    private async Task DeleteOnceAsync(HttpContext context, OwnResource resource, string name, DeleteOptionsBody options, bool retryConflict)
    {
        var ct = context.RequestAborted;
        var existing = await GetExistingAsync(resource, name, ct).ConfigureAwait(false);
        var obj = JsonNode.Parse(existing.Object.Span)!.AsObject();
        var metadata = obj["metadata"] as JsonObject ?? [];
        CheckPreconditions(resource, name, options, Str(metadata["uid"]), existing.Revision.ToString(CultureInfo.InvariantCulture));
        var hasFinalizers = metadata["finalizers"] is JsonArray { Count: > 0 };
        if (!hasFinalizers)
        {
            if (!options.DryRun)
            {
                await DeleteAtRevisionAsync(resource, name, existing.Revision, retryConflict, ct).ConfigureAwait(false);
            }

            await WriteObjectAsync(context, resource, 200, existing).ConfigureAwait(false);
            return;
        }

        if (metadata["deletionTimestamp"] is null)
        {
            metadata["deletionTimestamp"] = KubeTime.Format(time.GetUtcNow());
            metadata["deletionGracePeriodSeconds"] = 0;
            if (options.DryRun)
            {
                // What the deletion would answer, stored nowhere.
                await WriteObjectAsync(context, resource, 200, existing with { Object = Serialize(obj) }).ConfigureAwait(false);
                return;
            }

            try
            {
                existing = await StoreOf(resource).UpdateAsync(resource.StorageKey, name, Serialize(obj), existing.Revision, ct).ConfigureAwait(false);
            }
            catch (ApiObjectConflictException) when (!retryConflict)
            {
                throw ApiException.Conflict(resource.Group, resource.Resource, name, "the object has been modified; please apply your changes to the latest version and try again");
            }
            catch (ApiObjectNotFoundException)
            {
                throw ApiException.NotFound(resource.Group, resource.Resource, name);
            }
        }

        // A foreign finalizer holds the object until its owner removes it, which may take any time: answer at once
        // with the marked object, as kube-apiserver does. A dry run of a deletion under way changes nothing.
        var finalizers = metadata["finalizers"] as JsonArray ?? [];
        if (options.DryRun || finalizers.Any(f => Str(f) != PediaClusterResource.Finalizer))
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
            if (await StoreOf(resource).GetAsync(resource.StorageKey, name, ct).ConfigureAwait(false) is null)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct).ConfigureAwait(false);
        }

        await WriteObjectAsync(context, resource, 200, existing).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the object as it was read: a write that landed since (a finalizer added, a spec changed) is a conflict,
    /// retried by the caller's loop or answered 409, rather than deleted unseen. The host cluster's store (hosted mode,
    /// where these writes are refused before reaching here) has no such compare.
    /// </summary>
    private async Task DeleteAtRevisionAsync(OwnResource resource, string name, long revision, bool retryConflict, CancellationToken ct)
    {
        try
        {
            if (StoreOf(resource) is IDatabaseObjectStore store)
            {
                await store.DeleteAsync(resource.StorageKey, name, revision, ct).ConfigureAwait(false);
            }
            else
            {
                await StoreOf(resource).DeleteAsync(resource.StorageKey, name, ct).ConfigureAwait(false);
            }
        }
        catch (ApiObjectConflictException) when (!retryConflict)
        {
            throw ApiException.Conflict(resource.Group, resource.Resource, name, "the object has been modified; please apply your changes to the latest version and try again");
        }
    }

    /// <summary>DeleteOptions.preconditions, answered in kube-apiserver's words: a mismatch is the caller's 409.</summary>
    private static void CheckPreconditions(OwnResource resource, string name, DeleteOptionsBody options, string? uid, string resourceVersion)
    {
        if (options.PreconditionUid is { } wantedUid && wantedUid != uid)
        {
            throw ApiException.Conflict(resource.Group, resource.Resource, name, $"Precondition failed: UID in precondition: {wantedUid}, UID in object meta: {uid}");
        }

        if (options.PreconditionResourceVersion is { } wantedVersion && wantedVersion != resourceVersion)
        {
            throw ApiException.Conflict(resource.Group, resource.Resource, name, $"Precondition failed: ResourceVersion in precondition: {wantedVersion}, ResourceVersion in object meta: {resourceVersion}");
        }
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
        ThrowIfInvalid(resource, name ?? "", OwnObjectValidation.Validate(resource, obj, create: true, Limits));

        metadata.Remove("resourceVersion");
        metadata.Remove("namespace");
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = KubeTime.Format(time.GetUtcNow());
        metadata["generation"] = 1;
        metadata.Remove("deletionTimestamp");
        if (resource.HasStatus)
        {
            obj.Remove("status");
        }

        if (resource.StorageKey == PediaClusterResource.StorageKey)
        {
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
                created = await StoreOf(resource).CreateAsync(resource.StorageKey, name!, bytes, context.RequestAborted).ConfigureAwait(false);
            }
            catch (ApiObjectConflictException)
            {
                throw ApiException.AlreadyExists(resource.Group, resource.Resource, name!);
            }
        }

        await WriteObjectAsync(context, resource, 201, created).ConfigureAwait(false);
    }

    /// <summary>
    /// An update as kube-apiserver's GuaranteedUpdate does it: when the caller named no resourceVersion, a concurrent
    /// write (the synchro writing status, another client) is not the caller's conflict, so the object is read again
    /// and the change applied again, a bounded number of times; with a resourceVersion the conflict is the caller's.
    /// </summary>
    private async Task UpdateAsync(HttpContext context, OwnResource resource, string name, bool statusSubresource, bool preconditioned, Func<JsonObject, JsonObject> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            var retryConflict = !preconditioned && attempt < _maxUpdateAttempts;
            try
            {
                await UpdateOnceAsync(context, resource, name, statusSubresource, retryConflict, change).ConfigureAwait(false);
                return;
            }
            catch (ApiObjectConflictException) when (retryConflict)
            {
                // Read again and reapply.
            }
        }
    }

    private async Task UpdateOnceAsync(HttpContext context, OwnResource resource, string name, bool statusSubresource, bool retryConflict, Func<JsonObject, JsonObject> change)
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

        ThrowIfInvalid(resource, name, OwnObjectValidation.Validate(resource, result, create: false, Limits));

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
            await DeleteAtRevisionAsync(resource, name, existing.Revision, retryConflict, ct).ConfigureAwait(false);
            updated = existing with { Object = bytes };
        }
        else
        {
            try
            {
                updated = await StoreOf(resource).UpdateAsync(resource.StorageKey, name, bytes, existing.Revision, ct).ConfigureAwait(false);
            }
            catch (ApiObjectConflictException) when (!retryConflict)
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
}
