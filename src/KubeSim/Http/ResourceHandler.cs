using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim.Admission;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Faults;
using Clusterpedia.KubeSim.Protobuf;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// The generic REST registry: get, list, watch, create, update, patch and delete for any resource in the catalog,
/// with kube-apiserver's list/watch semantics (resourceVersion, limit/continue, selectors, bookmarks, 410 Expired).
/// This file dispatches a request to its verb and holds the helpers the verbs share; the verbs themselves are in
/// ResourceHandler.Reads.cs, ResourceHandler.Watch.cs and ResourceHandler.Writes.cs.
/// </summary>
internal sealed partial class ResourceHandler
{
    private const int _flushThreshold = 64 * 1024;
    private const string _dryRunOption = "kubesim.dryRun";
    // A timer cannot run longer (about 49 days); a client asking for more gets the longest there is.
    private static readonly TimeSpan _longestWatch = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly SimulatorStore _store;
    private readonly SimulatorOptions _options;
    private readonly ILogger _logger;
    private readonly FaultInjector _faults;
    private readonly WebhookAdmission _admission;

    public ResourceHandler(SimulatorStore store, SimulatorOptions options, FaultInjector faults, ILogger logger)
    {
        _faults = faults;
        _store = store;
        _options = options;
        _logger = logger;
        _admission = new WebhookAdmission(store, options.TimeProvider, logger);
    }

    public Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var method = context.Request.Method;
        var resource = request.Resource;
        if (request.Subresource == "scale" && request.Name is not null && resource.Subresources.Any(s => s.Name == "scale"))
        {
            return ScaleAsync(context, request);
        }

        if (request.Subresource is not null && request.Subresource != "status")
        {
            throw SimulatorApiException.ResourceNotFound();
        }

        if (request.Name is null)
        {
            if (HttpMethods.IsGet(method))
            {
                var query = ListQuery.Parse(context.Request.Query, resource);
                if (query.Watch)
                {
                    Require(resource, "watch");
                    return WatchAsync(context, request, query);
                }

                Require(resource, "list");
                return ListAsync(context, request, query);
            }

            if (HttpMethods.IsPost(method))
            {
                Require(resource, "create");
                return CreateAsync(context, request);
            }

            if (HttpMethods.IsDelete(method))
            {
                Require(resource, "deletecollection");
                return DeleteCollectionAsync(context, request);
            }
        }
        else
        {
            if (HttpMethods.IsGet(method))
            {
                Require(resource, "get");
                return GetAsync(context, request);
            }

            if (HttpMethods.IsPut(method))
            {
                Require(resource, "update");
                return UpdateAsync(context, request);
            }

            if (HttpMethods.IsPatch(method))
            {
                Require(resource, "patch");
                return PatchAsync(context, request);
            }

            if (HttpMethods.IsDelete(method) && request.Subresource is null)
            {
                Require(resource, "delete");
                return DeleteAsync(context, request);
            }
        }

        throw SimulatorApiException.MethodNotSupported(resource.Name, method.ToLowerInvariant());
    }

    private static void Require(ApiResource resource, string verb)
    {
        if (!resource.Supports(verb))
        {
            throw SimulatorApiException.MethodNotSupported(resource.Name, verb);
        }
    }

    private static Task WriteObjectAsync(HttpContext context, int statusCode, ApiResource resource, ObjectVersion version) =>
        Responses.WriteBytesAsync(context, statusCode, ObjectJson.WithTypeMeta(version.Body, resource.Kind, resource.ApiVersion));

    private static Task WriteObjectAsync(HttpContext context, int statusCode, ApiResource resource, JsonObject obj) =>
        Responses.WriteBytesAsync(context, statusCode, ObjectJson.WithTypeMeta(ObjectJson.SerializeBody(obj), resource.Kind, resource.ApiVersion));

    private static int WriteObject(PipeWriter body, byte[]? typeMeta, byte[] objectBody)
    {
        if (typeMeta is null)
        {
            body.Write(objectBody);
            return objectBody.Length;
        }

        body.Write(typeMeta);
        body.Write(objectBody.AsSpan(1));
        return typeMeta.Length + objectBody.Length - 1;
    }

    /// <summary><c>{"kind":"Pod","apiVersion":"v1",</c>: what goes before a stored body's first member.</summary>
    private static byte[] TypeMetaPrefix(ApiResource resource)
    {
        var full = ObjectJson.WithTypeMeta("{}"u8, resource.Kind, resource.ApiVersion);
        // WithTypeMeta("{}") ends with ",}" -> keep everything up to and including the comma.
        return full.AsSpan(0, full.Length - 1).ToArray();
    }

    private static void CheckTypeMeta(ApiResource resource, JsonObject obj)
    {
        var kind = ObjectJson.GetString(obj, "kind");
        var apiVersion = ObjectJson.GetString(obj, "apiVersion");
        if ((kind is not null && kind != resource.Kind) || (apiVersion is not null && apiVersion != resource.ApiVersion))
        {
            throw SimulatorApiException.BadRequest(
                $"the API version in the data ({apiVersion}) does not match the expected API version ({resource.ApiVersion})");
        }
    }

    private static void AddManagedFields(HttpContext context, JsonObject metadata, string operation)
    {
        if (metadata["managedFields"] is not null)
        {
            return;
        }

        var manager = context.Request.Query["fieldManager"].ToString();
        if (manager.Length == 0)
        {
            var agent = context.Request.Headers.UserAgent.ToString();
            manager = agent.Length == 0 ? "unknown" : agent.Split('/')[0];
        }

        metadata["managedFields"] = new JsonArray(new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = operation,
            ["apiVersion"] = "v1",
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = new JsonObject { ["f:metadata"] = new JsonObject() },
        });
    }

    // A delete names dryRun in its DeleteOptions body (what kubectl sends) or in the query; both mean the same.
    private static bool IsDryRun(HttpContext context) =>
        context.Request.Query["dryRun"].ToString() == "All" || context.Items.ContainsKey(_dryRunOption);

    private static void NoteDryRunOption(HttpContext context, JsonNode? options)
    {
        if (options?["dryRun"] is JsonArray values && values.Any(v => v?.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "All"))
        {
            context.Items[_dryRunOption] = true;
        }
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpContext context) =>
        await ReadNodeAsync(context).ConfigureAwait(false) as JsonObject
            ?? throw SimulatorApiException.BadRequest("the request body must be a JSON object");

    private static async Task<JsonNode?> ReadNodeAsync(HttpContext context)
    {
        if (KubernetesProtobuf.IsProtobuf(context.Request.ContentType))
        {
            // kubectl 1.33's typed clients (kubectl create deployment...) send protobuf.
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            return KubernetesProtobuf.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }

        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw SimulatorApiException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
    }

    private static SimulatorApiException ExpiredContinue(string start)
    {
        var fresh = ContinueToken.Encode(-1, start.TrimEnd('\0'));
        return new SimulatorApiException(410, "Expired",
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
        {
            ContinueToken = fresh,
        };
    }

    private static SimulatorApiException TooLarge(long given, long current) =>
        new(504, "Timeout", $"Too large resource version: {given}, current: {current}");
}
