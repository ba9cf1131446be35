using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Clusters;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.Kube.Server;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Admission;

/// <summary>
/// Our admission webhooks for a host cluster that keeps PediaClusters and ClusterSyncResources as custom resources:
/// <c>POST /admission/validate</c> judges an object with the rules our own API applies
/// (<see cref="OwnObjectValidation"/>) and <c>POST /admission/mutate</c> sets the defaults our own API sets on create
/// (the data finalizer), as a JSON patch. Both only judge the object sent; they read nothing stored. Resources we do
/// not own, subresources, DELETE and CONNECT are allowed: there is nothing of ours to judge.
/// </summary>
internal sealed class AdmissionHandler(IOptions<RequestLimits> limits)
{
    public const string ValidatePath = "/admission/validate";
    public const string MutatePath = "/admission/mutate";

    public async Task ValidateAsync(HttpContext context)
    {
        var request = await ReadAsync(context).ConfigureAwait(false);
        ApiException? denial = null;
        if (Judged(request) is { } resource && !SpecUnchanged(request))
        {
            var create = request.Operation == "CREATE";
            var errors = OwnObjectValidation.Validate(resource, request.Object!, create, limits.Value);
            if (errors.Count > 0)
            {
                var name = request.Object!["metadata"] is JsonObject metadata && metadata["name"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : "";
                denial = ApiException.Invalid(resource.Kind, resource.Group, name, Bounded(errors));
            }
        }

        await WriteAsync(context, request.Uid, denial, patch: null).ConfigureAwait(false);
    }

    public async Task MutateAsync(HttpContext context)
    {
        var request = await ReadAsync(context).ConfigureAwait(false);
        JsonArray? patch = null;
        if (Judged(request) is { HasStatus: true } && request.Operation == "CREATE")
        {
            patch = FinalizerPatch(request.Object!);
        }

        await WriteAsync(context, request.Uid, denial: null, patch).ConfigureAwait(false);
    }

    private async Task<AdmissionRequest> ReadAsync(HttpContext context)
    {
        var contentType = RequestBody.MediaType(context, "application/json");
        if (contentType != "application/json")
        {
            throw new ApiException(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json; got \"{contentType}\"");
        }

        return AdmissionRequest.Parse(await RequestBody.ReadJsonAsync(context, limits.Value).ConfigureAwait(false));
    }

    /// <summary>Our resource when the request is a create or update of one of our objects; else null (allowed as is).</summary>
    private static OwnResource? Judged(AdmissionRequest request) =>
        request.Operation is "CREATE" or "UPDATE" && request.SubResource.Length == 0
            ? OwnApiRegistry.Find(request.Group, request.Version, request.Resource)
            : null;

    /// <summary>
    /// An update that leaves the spec as it was (labels, annotations, finalizers: the synchro removing its finalizer
    /// from a deleted PediaCluster) is not judged, as kube-apiserver's CRD validation ratchets: an object stored
    /// before the webhook was registered could otherwise never be changed, nor leave.
    /// </summary>
    private static bool SpecUnchanged(AdmissionRequest request) =>
        request.Operation == "UPDATE" && request.OldObject is { } old && JsonNode.DeepEquals(old["spec"], request.Object!["spec"]);

    /// <summary>
    /// The data finalizer our own API puts on every new PediaCluster, so a host-kept one is not deleted before its
    /// data; null when it is there already. A metadata that is not an object is left to validation.
    /// </summary>
    private static JsonArray? FinalizerPatch(JsonObject obj)
    {
        var finalizer = PediaClusterResource.Finalizer;
        return obj["metadata"] switch
        {
            null => [new JsonObject { ["op"] = "add", ["path"] = "/metadata", ["value"] = new JsonObject { ["finalizers"] = new JsonArray(finalizer) } }],
            JsonObject { } metadata => metadata["finalizers"] switch
            {
                null => [new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers", ["value"] = new JsonArray(finalizer) }],
                JsonArray list when list.Any(f => f is JsonValue v && v.TryGetValue<string>(out var s) && s == finalizer) => null,
                JsonArray => [new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers/-", ["value"] = finalizer }],
                _ => null,
            },
            _ => null,
        };
    }

    /// <summary>A body can hold thousands of bad labels; the answer names the first ones, as our own API does.</summary>
    private static List<string> Bounded(List<string> errors)
    {
        const int MaxReported = 100;
        if (errors.Count > MaxReported)
        {
            var more = errors.Count - MaxReported;
            errors.RemoveRange(MaxReported, more);
            errors.Add($"{more} more errors not shown");
        }

        return errors;
    }

    /// <summary>The AdmissionReview answer: the request's uid, allowed or the denial's Status, and a JSON patch when there is one.</summary>
    private static Task WriteAsync(HttpContext context, string uid, ApiException? denial, JsonArray? patch) =>
        JsonResponse.WriteAsync(context, 200, json =>
        {
            json.WriteStartObject();
            json.WriteString("apiVersion", AdmissionRequest.ApiVersion);
            json.WriteString("kind", "AdmissionReview");
            json.WriteStartObject("response");
            json.WriteString("uid", uid);
            json.WriteBoolean("allowed", denial is null);
            if (denial is not null)
            {
                json.WritePropertyName("status");
                StatusJson.WriteFailure(json, denial.ToStatus());
            }

            if (patch is not null)
            {
                json.WriteString("patchType", "JSONPatch");
                json.WriteBase64String("patch", Encoding.UTF8.GetBytes(patch.ToJsonString()));
            }

            json.WriteEndObject();
            json.WriteEndObject();
        });
}
