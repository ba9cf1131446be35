using System.Text.Json.Nodes;
using Clusterpedia.KubeSim.Crds;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Http;

/// <summary>Writes of the REST registry: create, update, patch, scale, delete and deletecollection.</summary>
internal sealed partial class ResourceHandler
{
    private async Task CreateAsync(HttpContext context, ResourceRequest request)
    {
        if (request.Subresource is not null)
        {
            throw SimulatorApiException.MethodNotSupported(request.Resource.Name, "create");
        }

        var obj = await ReadBodyAsync(context).ConfigureAwait(false);
        CheckTypeMeta(request.Resource, obj);
        FieldValidation.Apply(context, request.Resource, obj);
        var metadata = ObjectJson.Metadata(obj);
        // Clients do not get to choose server-owned fields.
        metadata.Remove("uid");
        metadata.Remove("creationTimestamp");
        metadata.Remove("resourceVersion");
        metadata.Remove("generation");
        AddManagedFields(context, metadata, "Update");
        ValidateIfWebhookConfiguration(request, obj);
        if (Admits(request, "CREATE"))
        {
            var name = ObjectJson.GetString(metadata, "name") ?? string.Empty;
            var attributes = Attributes(context, request, "CREATE", name, Typed(request, obj), null, "CreateOptions");
            obj = await _admission.AdmitAsync(attributes, w => AddWarning(context, w), context.RequestAborted).ConfigureAwait(false) ?? obj;
        }

        var version = _store.Create(request.Resource, request.Namespace, obj, trusted: false, IsDryRun(context));
        await WriteObjectAsync(context, 201, request.Resource, version).ConfigureAwait(false);
    }

    private async Task UpdateAsync(HttpContext context, ResourceRequest request)
    {
        var obj = await ReadBodyAsync(context).ConfigureAwait(false);
        CheckTypeMeta(request.Resource, obj);
        FieldValidation.Apply(context, request.Resource, obj);
        var target = request.Subresource == "status" ? UpdateTarget.Status : UpdateTarget.Main;
        ValidateIfWebhookConfiguration(request, obj);
        if (Admits(request, "UPDATE"))
        {
            var admitted = await AdmittedUpdateAsync(context, request, target, current => (current, obj), (_, updated) => updated).ConfigureAwait(false);
            await WriteObjectAsync(context, 200, request.Resource, admitted).ConfigureAwait(false);
            return;
        }

        var (version, _) = _store.Update(request.Resource, request.Namespace, request.Name!, _ => obj, target, IsDryRun(context));
        await WriteObjectAsync(context, 200, request.Resource, version).ConfigureAwait(false);
    }

    private async Task PatchAsync(HttpContext context, ResourceRequest request)
    {
        var contentType = context.Request.ContentType ?? string.Empty;
        var mediaType = contentType.Split(';')[0].Trim();
        var patch = await ReadNodeAsync(context).ConfigureAwait(false);
        Func<JsonObject, JsonObject> apply = mediaType switch
        {
            "application/merge-patch+json" => current => Patching.MergePatch(current, patch),
            "application/strategic-merge-patch+json" => current => Patching.StrategicMergePatch(current, patch),
            "application/json-patch+json" => current => Patching.JsonPatch(current, patch),
            _ => throw new SimulatorApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"),
        };
        var target = request.Subresource == "status" ? UpdateTarget.Status : UpdateTarget.Main;
        JsonObject Patched(JsonObject current)
        {
            var patched = apply(current);
            FieldValidation.Apply(context, request.Resource, patched);
            ValidateIfWebhookConfiguration(request, patched);
            // A patch is applied to the latest state, so it never conflicts unless it names a resourceVersion itself.
            if (patch is JsonObject { } patchObject && (patchObject["metadata"] as JsonObject)?["resourceVersion"] is null)
            {
                ObjectJson.Metadata(patched).Remove("resourceVersion");
            }

            return patched;
        }

        if (Admits(request, "UPDATE"))
        {
            var admitted = await AdmittedUpdateAsync(context, request, target, current => (current, Patched((JsonObject)current.DeepClone())), (_, updated) => updated)
                .ConfigureAwait(false);
            await WriteObjectAsync(context, 200, request.Resource, admitted).ConfigureAwait(false);
            return;
        }

        var (version, _) = _store.Update(request.Resource, request.Namespace, request.Name!, Patched, target, IsDryRun(context));
        await WriteObjectAsync(context, 200, request.Resource, version).ConfigureAwait(false);
    }

    private async Task ScaleAsync(HttpContext context, ResourceRequest request)
    {
        var resource = request.Resource;
        var method = context.Request.Method;
        JsonObject parent;
        if (HttpMethods.IsGet(method))
        {
            var version = _store.Get(resource, request.Namespace, request.Name!)
                ?? throw SimulatorApiException.NotFound(resource.Group, resource.Name, request.Name!);
            parent = SimulatorStore.Full(resource, version);
        }
        else if (HttpMethods.IsPut(method))
        {
            var scale = await ReadBodyAsync(context).ConfigureAwait(false);
            parent = await WriteScaleAsync(context, request, _ => scale).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPatch(method))
        {
            var mediaType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
            var patch = await ReadNodeAsync(context).ConfigureAwait(false);
            parent = await WriteScaleAsync(context, request, current =>
            {
                var scale = ScaleSubresource.From(current);
                ObjectJson.Metadata(scale).Remove("resourceVersion");
                return mediaType switch
                {
                    "application/json-patch+json" => Patching.JsonPatch(scale, patch),
                    "application/strategic-merge-patch+json" => Patching.StrategicMergePatch(scale, patch),
                    _ => Patching.MergePatch(scale, patch),
                };
            }).ConfigureAwait(false);
        }
        else
        {
            throw SimulatorApiException.MethodNotSupported(resource.Name + "/scale", method.ToLowerInvariant());
        }

        await Responses.WriteBytesAsync(context, 200, System.Text.Encoding.UTF8.GetBytes(ScaleSubresource.From(parent).ToJsonString())).ConfigureAwait(false);
    }

    /// <summary>Writes spec.replicas from the desired Scale (built from the current parent), through admission when selected.</summary>
    private async Task<JsonObject> WriteScaleAsync(HttpContext context, ResourceRequest request, Func<JsonObject, JsonObject> desiredScale)
    {
        var resource = request.Resource;
        if (Admits(request, "UPDATE"))
        {
            return await AdmittedUpdateAsync(context, request, UpdateTarget.Main,
                current => (ScaleSubresource.From(current), desiredScale(current)),
                (current, scale) => ScaleSubresource.Apply(current, scale)).ConfigureAwait(false);
        }

        var (version, _) = _store.Update(resource, request.Namespace, request.Name!, current => ScaleSubresource.Apply(current, desiredScale(current)), UpdateTarget.Main,
            IsDryRun(context));
        return SimulatorStore.Full(resource, version);
    }

    private async Task DeleteAsync(HttpContext context, ResourceRequest request)
    {
        string? preconditionUid = null;
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var options = await ReadNodeAsync(context).ConfigureAwait(false);
            preconditionUid = ObjectJson.GetString(options?["preconditions"] as JsonObject, "uid");
            NoteDryRunOption(context, options);
        }

        var resource = request.Resource;
        if (Admits(request, "DELETE"))
        {
            var existing = _store.Get(resource, request.Namespace, request.Name!)
                ?? throw SimulatorApiException.NotFound(resource.Group, resource.Name, request.Name!);
            var old = Typed(request, ObjectJson.ParseObject(existing.Body));
            await _admission.AdmitAsync(Attributes(context, request, "DELETE", request.Name!, null, old, "DeleteOptions"), w => AddWarning(context, w), context.RequestAborted)
                .ConfigureAwait(false);
        }

        if (IsDryRun(context))
        {
            var existing = _store.Get(resource, request.Namespace, request.Name!)
                ?? throw SimulatorApiException.NotFound(resource.Group, resource.Name, request.Name!);
            await WriteObjectAsync(context, 200, resource, existing).ConfigureAwait(false);
            return;
        }

        var deleted = _store.Delete(resource, request.Namespace, request.Name!, preconditionUid);
        if (resource.IsCustom || !deleted.Deleted)
        {
            await WriteObjectAsync(context, 200, resource, deleted).ConfigureAwait(false);
            return;
        }

        await Responses.WriteSuccessStatusAsync(context, deleted.Name, resource.Group.Length == 0 ? null : resource.Group, resource.Name, deleted.Uid)
            .ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourceRequest request)
    {
        var resource = request.Resource;
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            NoteDryRunOption(context, await ReadNodeAsync(context).ConfigureAwait(false));
        }

        var query = ListQuery.Parse(context.Request.Query, resource);
        var page = _store.List(resource, new ListRequest(request.Namespace, null, null, 0, query.Filter));
        var deleted = new List<ObjectVersion>();
        var admits = Admits(request, "DELETE");
        foreach (var item in page.Items)
        {
            if (admits)
            {
                // Each object is admitted as its own DELETE, as kube-apiserver's DeleteCollection does; a denial stops there.
                var old = Typed(request, ObjectJson.ParseObject(item.Body));
                await _admission.AdmitAsync(Attributes(context, request, "DELETE", item.Name, null, old, "DeleteOptions"), w => AddWarning(context, w), context.RequestAborted)
                    .ConfigureAwait(false);
            }

            if (IsDryRun(context))
            {
                // What would be deleted, left in place (kubectl delete --all --dry-run=server).
                deleted.Add(item);
                continue;
            }

            try
            {
                deleted.Add(_store.Delete(resource, item.Namespace.Length == 0 ? null : item.Namespace, item.Name, null));
            }
            catch (SimulatorApiException e) when (e.Code == 404)
            {
                // Already gone (garbage collected with an owner deleted earlier in this loop).
            }
        }

        await WriteListAsync(context, resource, new ListPage(_store.CurrentResourceVersion, deleted, null, null), null, [], 0).ConfigureAwait(false);
    }
}
