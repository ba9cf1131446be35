using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Http;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>
/// The DeleteOptions a DELETE carries in its body, checked as kube-apiserver checks them. kubectl sends one with every
/// delete (propagationPolicy) and names <c>--dry-run=server</c> only there, so a server that ignored the body would
/// delete for real on a dry run. Our objects own no dependents, so a valid propagationPolicy, orphanDependents and
/// gracePeriodSeconds change nothing (the deletion is immediate, or waits on finalizers).
/// </summary>
internal sealed record DeleteOptionsBody(bool DryRun, string? PreconditionUid, string? PreconditionResourceVersion)
{
    public static readonly DeleteOptionsBody None = new(false, null, null);

    private static readonly string[] _apiVersions = ["v1", "meta.k8s.io/v1", "meta.k8s.io/v1beta1"];

    private static readonly string[] _propagationPolicies = ["Foreground", "Background", "Orphan"];

    /// <summary>Reads the body within the request limits: none (or an empty one) means the defaults.</summary>
    public static async Task<DeleteOptionsBody> ReadAsync(HttpContext context, RequestLimits limits)
    {
        // HTTP/2 (kubectl's) declares no length for a body it streams, so the body is read whatever the headers say.
        var bytes = await RequestBody.ReadAsync(context, limits).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return None;
        }

        var contentType = RequestBody.MediaType(context, "application/json");
        if (contentType != "application/json")
        {
            throw ApiException.UnsupportedMediaType(contentType);
        }

        return From(RequestBody.ParseJson(bytes, limits));
    }

    /// <summary>Checks a parsed body: 400 for what is not DeleteOptions at all, 422 for values outside what is allowed.</summary>
    public static DeleteOptionsBody From(JsonNode? body)
    {
        if (body is null)
        {
            return None;
        }

        if (body is not JsonObject options)
        {
            throw ApiException.BadRequest("DeleteOptions: the body must be a JSON object");
        }

        if (OptionalString(options, "kind") is { } kind && kind != "DeleteOptions")
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind (DeleteOptions)");
        }

        if (OptionalString(options, "apiVersion") is { } apiVersion && !_apiVersions.Contains(apiVersion))
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version (meta.k8s.io/v1 or v1)");
        }

        var dryRun = StringArray(options, "dryRun");
        var policy = OptionalString(options, "propagationPolicy");
        var orphanSet = options["orphanDependents"] is not null;
        if (orphanSet && !Kind(options["orphanDependents"], JsonValueKind.True, JsonValueKind.False))
        {
            throw ApiException.BadRequest("DeleteOptions.orphanDependents: must be a boolean");
        }

        if (options["gracePeriodSeconds"] is { } grace && !(grace is JsonValue value && value.TryGetValue<long>(out _)))
        {
            throw ApiException.BadRequest("DeleteOptions.gracePeriodSeconds: must be an integer");
        }

        string? uid = null;
        string? resourceVersion = null;
        if (options["preconditions"] is { } preconditions)
        {
            var guard = preconditions as JsonObject ?? throw ApiException.BadRequest("DeleteOptions.preconditions: must be an object");
            uid = OptionalString(guard, "uid", "preconditions.");
            resourceVersion = OptionalString(guard, "resourceVersion", "preconditions.");
        }

        var errors = new List<string>();
        errors.AddRange(dryRun.Where(v => v != "All").Select(v => $"dryRun: Unsupported value: \"{v}\": supported values: \"All\""));
        if (policy is not null && !_propagationPolicies.Contains(policy))
        {
            errors.Add($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }

        if (policy is not null && orphanSet)
        {
            errors.Add($"propagationPolicy: Invalid value: \"{policy}\": orphanDependents and deletionPropagation cannot be both set");
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid("DeleteOptions", "meta.k8s.io", "", errors);
        }

        return new DeleteOptionsBody(dryRun.Count > 0, uid, resourceVersion);
    }

    private static bool Kind(JsonNode? node, params JsonValueKind[] kinds) => node is not null && kinds.Contains(node.GetValueKind());

    /// <summary>A string member or null; <paramref name="parent"/> prefixes the field named in the error.</summary>
    private static string? OptionalString(JsonObject obj, string key, string parent = "")
    {
        var node = obj[key];
        if (node is null)
        {
            return null;
        }

        return Kind(node, JsonValueKind.String) ? node.GetValue<string>() : throw ApiException.BadRequest($"DeleteOptions.{parent}{key}: must be a string");
    }

    private static List<string> StringArray(JsonObject obj, string key)
    {
        var node = obj[key];
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray values || values.Any(v => !Kind(v, JsonValueKind.String)))
        {
            throw ApiException.BadRequest($"DeleteOptions.{key}: must be an array of strings");
        }

        return [.. values.Select(v => v!.GetValue<string>())];
    }
}
