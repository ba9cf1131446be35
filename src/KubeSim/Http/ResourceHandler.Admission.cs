using System.Globalization;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim.Admission;
using Clusterpedia.KubeSim.Security;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// Where writes meet admission webhooks. A write no webhook can select keeps its single read-modify-write under the
/// store lock; a selected update reads the object, builds the new one, runs admission (which waits on the network)
/// and then writes only if the object did not change meanwhile, starting over when it did, as kube-apiserver's
/// GuaranteedUpdate re-runs admission on a conflict.
/// </summary>
internal sealed partial class ResourceHandler
{
    private const int _admissionAttempts = 5;

    private bool Admits(ResourceRequest request, string operation) =>
        _admission.MayApply(operation, request.Resource.Group, request.Resource.Name, request.Subresource ?? string.Empty);

    /// <summary>
    /// An update through admission: <paramref name="views"/> gives the old and new objects webhooks see (the object, or
    /// its Scale) from the current stored object; <paramref name="toStored"/> turns the admitted new view back into
    /// the object to store. Returns the stored object (or, for a dry run, the object that would have been stored).
    /// </summary>
    private async Task<JsonObject> AdmittedUpdateAsync(
        HttpContext context, ResourceRequest request, UpdateTarget target,
        Func<JsonObject, (JsonObject Old, JsonObject New)> views, Func<JsonObject, JsonObject, JsonObject> toStored)
    {
        var resource = request.Resource;
        for (var attempt = 1; ; attempt++)
        {
            var current = _store.Get(resource, request.Namespace, request.Name!)
                ?? throw SimulatorApiException.NotFound(resource.Group, resource.Name, request.Name!);
            var currentObject = ObjectJson.ParseObject(current.Body);
            var (oldView, newView) = views((JsonObject)currentObject.DeepClone());
            var attributes = Attributes(context, request, "UPDATE", request.Name!, Typed(request, newView), Typed(request, oldView), "UpdateOptions");
            var admitted = await _admission.AdmitAsync(attributes, w => AddWarning(context, w), context.RequestAborted).ConfigureAwait(false) ?? newView;
            if (IsDryRun(context))
            {
                // The store's checks still apply; it only leaves the write out.
                var (wouldBe, _) = _store.Update(resource, request.Namespace, request.Name!, latest => toStored(latest, admitted), target, dryRun: true);
                return SimulatorStore.Full(resource, wouldBe);
            }

            var stale = false;
            try
            {
                var (version, _) = _store.Update(resource, request.Namespace, request.Name!, latest =>
                {
                    var latestVersion = ObjectJson.GetString(ObjectJson.Metadata(latest), "resourceVersion");
                    if (latestVersion != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
                    {
                        stale = true;
                        throw SimulatorApiException.Conflict(resource.Group, resource.Name, request.Name!,
                            "the object has been modified; please apply your changes to the latest version and try again");
                    }

                    return toStored(latest, admitted);
                }, target);
                return SimulatorStore.Full(resource, version);
            }
            catch (SimulatorApiException e) when (stale && e.Code == 409 && attempt < _admissionAttempts)
            {
                // Someone wrote in between: build and admit again from the new state.
            }
        }
    }

    private static AdmissionAttributes Attributes(
        HttpContext context, ResourceRequest request, string operation, string name, JsonObject? obj, JsonObject? oldObj, string optionsKind)
    {
        var resource = request.Resource;
        var subresource = request.Subresource ?? string.Empty;
        var (kindGroup, kindVersion, kind) = subresource == "scale" ? ("autoscaling", "v1", "Scale") : (resource.Group, resource.Version, resource.Kind);
        var options = new JsonObject { ["kind"] = optionsKind, ["apiVersion"] = "meta.k8s.io/v1" };
        if (IsDryRun(context))
        {
            options["dryRun"] = new JsonArray("All");
        }

        if (context.Request.Query["fieldManager"].ToString() is { Length: > 0 } manager)
        {
            options["fieldManager"] = manager;
        }

        var ns = resource.Namespaced
            ? request.Namespace ?? ObjectJson.GetString((obj ?? oldObj)?["metadata"] as JsonObject, "namespace") ?? string.Empty
            : string.Empty;
        return new AdmissionAttributes(
            operation, resource.Group, resource.Version, resource.Name, subresource, kindGroup, kindVersion, kind, ns, name,
            obj, oldObj, IsDryRun(context), options, RequestUser.Get(context));
    }

    /// <summary>A copy carrying kind and apiVersion (a subresource's view, e.g. Scale, already has its own).</summary>
    private static JsonObject Typed(ResourceRequest request, JsonObject obj)
    {
        if (request.Subresource == "scale")
        {
            return obj;
        }

        var typed = new JsonObject { ["kind"] = request.Resource.Kind, ["apiVersion"] = request.Resource.ApiVersion };
        foreach (var (key, value) in obj)
        {
            if (key is not ("kind" or "apiVersion"))
            {
                typed[key] = value?.DeepClone();
            }
        }

        return typed;
    }

    private static void ValidateIfWebhookConfiguration(ResourceRequest request, JsonObject obj)
    {
        var resource = request.Resource;
        if (WebhookConfigurationValidation.IsWebhookConfiguration(resource.Group, resource.Name) && request.Subresource is null)
        {
            WebhookConfigurationValidation.Validate(obj, mutating: resource.Name == "mutatingwebhookconfigurations");
        }
    }

    // A webhook's warning as kube-apiserver forwards it: code 299, unknown agent, the text quoted.
    private static void AddWarning(HttpContext context, string text) =>
        context.Response.Headers.Append("Warning",
            $"299 - \"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
}
