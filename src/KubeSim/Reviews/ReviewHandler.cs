using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Http;
using Clusterpedia.KubeSim.Protobuf;
using Clusterpedia.KubeSim.Security;

namespace Clusterpedia.KubeSim.Reviews;

/// <summary>
/// The create-only review resources, answered from the same authentication and authorization the server runs and
/// never stored: TokenReview and SelfSubjectReview (authentication.k8s.io), SubjectAccessReview,
/// LocalSubjectAccessReview, SelfSubjectAccessReview and SelfSubjectRulesReview (authorization.k8s.io), and the
/// TokenRequest subresource <c>serviceaccounts/&lt;name&gt;/token</c>.
/// </summary>
internal sealed partial class ReviewHandler
{
    private const int _maxBody = 1024 * 1024;

    private readonly ClusterSecurity _security;
    private readonly SimulatorStore _store;
    private readonly TimeProvider _time;

    public ReviewHandler(ClusterSecurity security, SimulatorStore store, TimeProvider time)
    {
        _security = security;
        _store = store;
        _time = time;
    }

    /// <summary>The answer to a review or token request; null for any other resource.</summary>
    public Task? TryHandle(HttpContext context, ResourceRequest request)
    {
        var resource = request.Resource;
        Func<HttpContext, ResourceRequest, JsonObject, JsonObject>? answer = (resource.GroupResource, request.Subresource) switch
        {
            ("tokenreviews.authentication.k8s.io", null) => TokenReview,
            ("selfsubjectreviews.authentication.k8s.io", null) => SelfSubjectReview,
            ("subjectaccessreviews.authorization.k8s.io", null) => SubjectAccessReview,
            ("localsubjectaccessreviews.authorization.k8s.io", null) => LocalSubjectAccessReview,
            ("selfsubjectaccessreviews.authorization.k8s.io", null) => SelfSubjectAccessReview,
            ("selfsubjectrulesreviews.authorization.k8s.io", null) => SelfSubjectRulesReview,
            ("serviceaccounts", "token") when request.Name is not null => TokenRequest,
            _ => null,
        };
        if (answer is null)
        {
            return null;
        }

        if (!HttpMethods.IsPost(context.Request.Method) || (request.Name is not null && request.Subresource is null))
        {
            throw SimulatorApiException.MethodNotSupported(resource.Name, context.Request.Method.ToLowerInvariant());
        }

        return AnswerAsync(context, request, answer);
    }

    private static async Task AnswerAsync(HttpContext context, ResourceRequest request, Func<HttpContext, ResourceRequest, JsonObject, JsonObject> answer)
    {
        var body = await ReadAsync(context).ConfigureAwait(false);
        var result = answer(context, request, body);
        // 201 like kube-apiserver, although nothing is stored.
        await Responses.WriteJsonAsync(context, 201, w => result.WriteTo(w)).ConfigureAwait(false);
    }

    private static async Task<JsonObject> ReadAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > _maxBody)
            {
                throw new SimulatorApiException(413, "RequestEntityTooLarge", $"the request body is larger than {_maxBody} bytes");
            }
        }

        if (KubernetesProtobuf.IsProtobuf(context.Request.ContentType))
        {
            return KubernetesProtobuf.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }

        try
        {
            return JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) as JsonObject
                ?? throw SimulatorApiException.BadRequest("the request body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw SimulatorApiException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The object as the API server sends it back: its kind and apiVersion, metadata, spec, and the new status.</summary>
    private static JsonObject Reply(ResourceRequest request, JsonObject body, JsonObject status, string? kind = null)
    {
        var metadata = body["metadata"] as JsonObject ?? new JsonObject();
        metadata.Remove("managedFields");
        metadata["creationTimestamp"] ??= null;
        return new JsonObject
        {
            ["kind"] = kind ?? request.Resource.Kind,
            ["apiVersion"] = request.Resource.ApiVersion,
            ["metadata"] = metadata.DeepClone(),
            ["spec"] = (body["spec"] as JsonObject ?? new JsonObject()).DeepClone(),
            ["status"] = status,
        };
    }

    private static JsonObject UserJson(UserInfo user)
    {
        var json = new JsonObject { ["username"] = user.Name };
        if (user.Uid is { Length: > 0 } uid)
        {
            json["uid"] = uid;
        }

        json["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode?)JsonValue.Create(g))]);
        if (user.Extra.Count > 0)
        {
            var extra = new JsonObject();
            foreach (var (key, values) in user.Extra)
            {
                extra[key] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
            }

            json["extra"] = extra;
        }

        return json;
    }

    private static string? Text(JsonNode? node, string property) =>
        node?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static List<string> Strings(JsonNode? node, string property) =>
        node?[property] is JsonArray array ? array.Select(v => v is JsonValue value && value.TryGetValue<string>(out var s) ? s : string.Empty).ToList() : [];

    private static SimulatorApiException Invalid(ResourceRequest request, string name, string field, string problem) =>
        SimulatorApiException.Invalid(request.Resource.Group, request.Resource.Kind, name, field, problem);
}
