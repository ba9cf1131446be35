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
        if (IsDryRun(context))
        {
            await WriteObjectAsync(context, 201, request.Resource, obj).ConfigureAwait(false);
            return;
        }

        var version = _store.Create(request.Resource, request.Namespace, obj, trusted: false);
        await WriteObjectAsync(context, 201, request.Resource, version).ConfigureAwait(false);
    }

    private async Task UpdateAsync(HttpContext context, ResourceRequest request)
    {
        var obj = await ReadBodyAsync(context).ConfigureAwait(false);
        CheckTypeMeta(request.Resource, obj);
        FieldValidation.Apply(context, request.Resource, obj);
        var target = request.Subresource == "status" ? UpdateTarget.Status : UpdateTarget.Main;
        var (version, _) = _store.Update(request.Resource, request.Namespace, request.Name!, _ => obj, target);
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
        var (version, _) = _store.Update(request.Resource, request.Namespace, request.Name!, current =>
        {
            var patched = apply(current);
            FieldValidation.Apply(context, request.Resource, patched);
            // A patch is applied to the latest state, so it never conflicts unless it names a resourceVersion itself.
            if (patch is JsonObject { } patchObject && (patchObject["metadata"] as JsonObject)?["resourceVersion"] is null)
            {
                ObjectJson.Metadata(patched).Remove("resourceVersion");
            }

            return patched;
        }, target);
        await WriteObjectAsync(context, 200, request.Resource, version).ConfigureAwait(false);
    }

    private async Task ScaleAsync(HttpContext context, ResourceRequest request)
    {
        var resource = request.Resource;
        var method = context.Request.Method;
        ObjectVersion version;
        if (HttpMethods.IsGet(method))
        {
            version = _store.Get(resource, request.Namespace, request.Name!)
                ?? throw SimulatorApiException.NotFound(resource.Group, resource.Name, request.Name!);
        }
        else if (HttpMethods.IsPut(method))
        {
            var scale = await ReadBodyAsync(context).ConfigureAwait(false);
            (version, _) = _store.Update(resource, request.Namespace, request.Name!, current => ScaleSubresource.Apply(current, scale), UpdateTarget.Main);
        }
        else if (HttpMethods.IsPatch(method))
        {
            var mediaType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
            var patch = await ReadNodeAsync(context).ConfigureAwait(false);
            (version, _) = _store.Update(resource, request.Namespace, request.Name!, current =>
            {
                var scale = ScaleSubresource.From(current);
                ObjectJson.Metadata(scale).Remove("resourceVersion");
                var patched = mediaType switch
                {
                    "application/json-patch+json" => Patching.JsonPatch(scale, patch),
                    "application/strategic-merge-patch+json" => Patching.StrategicMergePatch(scale, patch),
                    _ => Patching.MergePatch(scale, patch),
                };
                return ScaleSubresource.Apply(current, patched);
            }, UpdateTarget.Main);
        }
        else
        {
            throw SimulatorApiException.MethodNotSupported(resource.Name + "/scale", method.ToLowerInvariant());
        }

        var parent = SimulatorStore.Full(resource, version);
        await Responses.WriteBytesAsync(context, 200, System.Text.Encoding.UTF8.GetBytes(ScaleSubresource.From(parent).ToJsonString())).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext context, ResourceRequest request)
    {
        string? preconditionUid = null;
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var options = await ReadNodeAsync(context).ConfigureAwait(false);
            preconditionUid = ObjectJson.GetString(options?["preconditions"] as JsonObject, "uid");
        }

        var resource = request.Resource;
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
        var query = ListQuery.Parse(context.Request.Query, resource);
        var page = _store.List(resource, new ListRequest(request.Namespace, null, null, 0, query.Filter));
        var deleted = new List<ObjectVersion>();
        foreach (var item in page.Items)
        {
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
