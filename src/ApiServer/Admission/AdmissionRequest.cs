using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Http;

namespace Clusterpedia.ApiServer.Admission;

/// <summary>
/// What our webhooks read of an AdmissionReview (admission.k8s.io/v1) that kube-apiserver sends: the request's uid
/// (echoed in the answer), the operation, the resource and subresource asked about, the object and the old object. Anything that is
/// not such a review is a 400 naming the field, never an answer that would let the object through unjudged.
/// </summary>
internal sealed record AdmissionRequest(string Uid, string Operation, string Group, string Version, string Resource, string SubResource, JsonObject? Object, JsonObject? OldObject)
{
    public const string ApiVersion = "admission.k8s.io/v1";

    private static readonly string[] _operations = ["CREATE", "UPDATE", "DELETE", "CONNECT"];

    public static AdmissionRequest Parse(JsonNode? body)
    {
        if (body is not JsonObject review)
        {
            throw ApiException.BadRequest("the request body must be an AdmissionReview object (admission.k8s.io/v1)");
        }

        var apiVersion = Text(review, "apiVersion", "apiVersion");
        if (apiVersion != ApiVersion)
        {
            throw ApiException.BadRequest($"apiVersion: Unsupported value: \"{apiVersion}\": supported values: \"{ApiVersion}\"");
        }

        var kind = Text(review, "kind", "kind");
        if (kind != "AdmissionReview")
        {
            throw ApiException.BadRequest($"kind: Unsupported value: \"{kind}\": supported values: \"AdmissionReview\"");
        }

        if (review["request"] is not JsonObject request)
        {
            throw ApiException.BadRequest("request: Required value: an AdmissionReview sent to a webhook carries a request");
        }

        var uid = Text(request, "uid", "request.uid");
        if (uid.Length == 0)
        {
            throw ApiException.BadRequest("request.uid: Required value");
        }

        var operation = Text(request, "operation", "request.operation");
        if (!_operations.Contains(operation, StringComparer.Ordinal))
        {
            throw ApiException.BadRequest($"request.operation: Unsupported value: \"{operation}\": supported values: \"CREATE\", \"UPDATE\", \"DELETE\", \"CONNECT\"");
        }

        if (request["resource"] is not JsonObject resource)
        {
            throw ApiException.BadRequest("request.resource: Required value: the group, version and resource asked about");
        }

        var group = Text(resource, "group", "request.resource.group");
        var version = Text(resource, "version", "request.resource.version");
        var plural = Text(resource, "resource", "request.resource.resource");
        if (version.Length == 0 || plural.Length == 0)
        {
            throw ApiException.BadRequest($"request.resource: Invalid value: \"{group}/{version}/{plural}\": version and resource are required");
        }

        var subResource = Text(request, "subResource", "request.subResource");
        var obj = request["object"];
        if (obj is not null and not JsonObject)
        {
            throw ApiException.BadRequest("request.object: Invalid value: must be an object");
        }

        if (obj is null && operation is ("CREATE" or "UPDATE"))
        {
            throw ApiException.BadRequest($"request.object: Required value: a {operation} carries the object");
        }

        var oldObject = request["oldObject"];
        if (oldObject is not null and not JsonObject)
        {
            throw ApiException.BadRequest("request.oldObject: Invalid value: must be an object");
        }

        return new AdmissionRequest(uid, operation, group, version, plural, subResource, obj as JsonObject, oldObject as JsonObject);
    }

    /// <summary>A string member, "" when absent; any other type is a 400 naming the field.</summary>
    private static string Text(JsonObject obj, string property, string path) => obj[property] switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => throw ApiException.BadRequest($"{path}: Invalid value: must be a string"),
    };
}
