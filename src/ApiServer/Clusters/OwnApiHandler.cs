using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Discovery;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.ApiServer.Security;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Encryption;
using Clusterpedia.ClusterSynchro.Hosted;
using Clusterpedia.ClusterSynchro.Workloads.Plugins;
using Clusterpedia.Storage;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Clusters;

/// <summary>
/// The REST semantics of our own cluster-scoped objects (PediaCluster, ClusterSyncResources) at the server root:
/// get, list, watch, create, update, patch, delete and the status subresource, with optimistic concurrency on
/// resourceVersion. Objects are stored in their storage version without resourceVersion; the store's revision
/// becomes metadata.resourceVersion on the way out. The route table (Routes.cs) maps each method
/// and path to one entry point here; this file holds the entry points and what the verbs share;
/// the verbs are in OwnApiHandler.Reads.cs, .Writes.cs, .Patch.cs and .Watch.cs.
/// </summary>
internal sealed partial class OwnApiHandler(
    IApiObjectStore objects, IDatabaseObjectStore database, OpenApiDocuments openApi, TimeProvider time, IOptions<HostClusterOptions> hosted, IOptions<RequestLimits> requestLimits, IOptions<QueryLimits> limits,
    IAccessReviewer reviewer, CredentialProtector protector, StoreChangeNotifier storeChanges)
{
    private static readonly JsonSerializerOptions _writeOptions = new() { WriteIndented = false };

    /// <summary>
    /// Attempts of a write that named no resourceVersion (an update, a patch, the marking of a deletion).
    /// kube-apiserver's GuaranteedUpdate reads again and reapplies such a write until it lands; a lost compare-and-swap
    /// means another write landed, so the loop ends. Ours is bounded all the same. Ten attempts were too few: with two
    /// clients patching one object in a loop while it was deleted, a retry lost about half the time, and one write in a
    /// few hundred ran out of attempts and answered 409. A hundred lost rounds take a hundred writes landing on the
    /// object during one request.
    /// </summary>
    private const int _maxUpdateAttempts = 100;

    private RequestLimits Limits => requestLimits.Value;

    /// <summary>Where the resource's objects live: the database for <see cref="OwnResource.InDatabase"/> kinds, else the cluster source.</summary>
    private IApiObjectStore StoreOf(OwnResource resource) => resource.InDatabase ? database : objects;

    /// <summary>GET on the collection: a list, or a watch with <c>watch=true</c>.</summary>
    public Task ListOrWatchAsync(HttpContext context, OwnResource resource) =>
        context.Request.Query.IsWatch() ? WatchAsync(context, resource) : ListAsync(context, resource);

    /// <summary>POST on the collection.</summary>
    public async Task PostAsync(HttpContext context, OwnResource resource)
    {
        EnsureWritable(context, resource);
        await EnsureMayWritePluginsAsync(context, resource).ConfigureAwait(false);
        await CreateAsync(context, resource).ConfigureAwait(false);
    }

    /// <summary>GET of one object, or of its status subresource (the same object).</summary>
    public async Task GetAsync(HttpContext context, OwnResource resource, string name)
    {
        var existing = await GetExistingAsync(resource, name, context.RequestAborted).ConfigureAwait(false);
        await WriteObjectAsync(context, resource, 200, existing).ConfigureAwait(false);
    }

    /// <summary>PUT of one object or of its status.</summary>
    public async Task PutAsync(HttpContext context, OwnResource resource, string name, bool statusSubresource)
    {
        EnsureWritable(context, resource);
        await EnsureMayWritePluginsAsync(context, resource).ConfigureAwait(false);
        var body = await ReadObjectAsync(context, resource).ConfigureAwait(false);
        await UpdateAsync(context, resource, name, statusSubresource, NamesResourceVersion(body), _ => (JsonObject)body.DeepClone()).ConfigureAwait(false);
    }

    /// <summary>PATCH of one object (server-side apply included) or of its status (no apply there, as before).</summary>
    public async Task PatchAsync(HttpContext context, OwnResource resource, string name, bool statusSubresource)
    {
        EnsureWritable(context, resource);
        await EnsureMayWritePluginsAsync(context, resource).ConfigureAwait(false);
        if (IsApplyPatch(context) && !statusSubresource)
        {
            await ServerSideApplyAsync(context, resource, name).ConfigureAwait(false);
            return;
        }

        var (patch, preconditioned) = await ReadPatchAsync(context).ConfigureAwait(false);
        await UpdateAsync(context, resource, name, statusSubresource, preconditioned, patch).ConfigureAwait(false);
    }

    /// <summary>DELETE of one object.</summary>
    public async Task DeleteObjectAsync(HttpContext context, OwnResource resource, string name)
    {
        EnsureWritable(context, resource);
        await EnsureMayWritePluginsAsync(context, resource).ConfigureAwait(false);
        await DeleteAsync(context, resource, name).ConfigureAwait(false);
    }

    /// <summary>
    /// A workload plugin runs code in every synchro, so writing one takes more than the right to write plugins: the
    /// caller must also be allowed to update PediaClusters (who may already point the server at any cluster). A
    /// server without authentication has no user and checks nothing more.
    /// </summary>
    private async Task EnsureMayWritePluginsAsync(HttpContext context, OwnResource resource)
    {
        if (resource.StorageKey != WorkloadPluginResource.StorageKey || RequestUser.Get(context) is not { } user)
        {
            return;
        }

        var attributes = new AccessAttributes("update", PediaClusterResource.Group, PediaClusterResource.Version, PediaClusterResource.Resource);
        if (!await reviewer.IsAllowedAsync(user, attributes, context.RequestAborted).ConfigureAwait(false))
        {
            var denied = SecurityMiddleware.Forbidden(user, attributes);
            throw new ApiException(403, "Forbidden", $"writing {resource.GroupResource} requires the right to update {PediaClusterResource.Resource}.{PediaClusterResource.Group}: {denied.Message}")
            {
                DetailsGroup = resource.Group,
                DetailsKind = resource.Resource,
            };
        }
    }

    /// <summary>
    /// Any other method on a path of ours: 405, and in hosted mode the read-only message for every write, as
    /// kube-apiserver names the method it refuses.
    /// </summary>
    public Task NotAllowedAsync(HttpContext context, OwnResource resource)
    {
        EnsureWritable(context, resource);
        throw ApiException.MethodNotAllowed(context.Request.Method);
    }

    /// <summary>
    /// A status path of a kind without a status subresource: 404, after the hosted-mode refusal of writes that
    /// every path of ours answers first.
    /// </summary>
    public Task NoStatusAsync(HttpContext context, OwnResource resource)
    {
        EnsureWritable(context, resource);
        throw ApiException.PathNotFound();
    }

    /// <summary>In hosted mode the host cluster is the source of truth: reads are served from its cache, writes belong there.</summary>
    private void EnsureWritable(HttpContext context, OwnResource resource)
    {
        var method = context.Request.Method;
        if (hosted.Value.Enabled && !resource.InDatabase && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            throw new ApiException(405, "MethodNotAllowed",
                $"in hosted mode {resource.GroupResource} are read-only here: create, change and delete them in the host cluster (kubectl --kubeconfig <host kubeconfig> ...)");
        }
    }

    private async Task<ApiObject> GetExistingAsync(OwnResource resource, string name, CancellationToken ct) =>
        await StoreOf(resource).GetAsync(resource.StorageKey, name, ct).ConfigureAwait(false)
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

    /// <summary>The stored object in the resource's version, credentials decrypted (responses redact them separately).</summary>
    private JsonObject ToApi(OwnResource resource, ApiObject stored)
    {
        var raw = (JsonObject)JsonNode.Parse(stored.Object.Span)!;
        if (resource.StorageKey == PediaClusterResource.StorageKey)
        {
            protector.Unprotect(raw, stored.Name);
        }

        var obj = resource.FromStorage(raw);
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        metadata["resourceVersion"] = stored.Revision.ToString(CultureInfo.InvariantCulture);
        obj["apiVersion"] = resource.ApiVersion;
        obj["kind"] = resource.Kind;
        return obj;
    }

    /// <summary>
    /// Whether this request may see PediaCluster credentials: only a caller allowed to update PediaClusters (who could
    /// set them anyway) sees them; a server without authentication has no user and hides nothing.
    /// </summary>
    private async ValueTask<bool> MaySeeCredentialsAsync(HttpContext context, OwnResource resource)
    {
        if (resource.StorageKey != PediaClusterResource.StorageKey || RequestUser.Get(context) is not { } user)
        {
            return true;
        }

        var attributes = new AccessAttributes("update", resource.Group, resource.Version, resource.Resource);
        return await reviewer.IsAllowedAsync(user, attributes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The object as a response shows it: <see cref="ToApi"/>, without credentials unless the caller may see them.</summary>
    private JsonObject ToResponse(OwnResource resource, ApiObject stored, bool credentials)
    {
        var obj = ToApi(resource, stored);
        if (!credentials)
        {
            PediaClusterCredentials.Redact(obj);
        }

        return obj;
    }

    private async Task WriteObjectAsync(HttpContext context, OwnResource resource, int code, ApiObject stored)
    {
        var obj = ToResponse(resource, stored, await MaySeeCredentialsAsync(context, resource).ConfigureAwait(false));
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

    private async Task<(List<ApiObject> Items, long Revision)> ListMatchingAsync(HttpContext context, OwnResource resource)
    {
        var labelSelector = ParseLabels(context.Request.Query["labelSelector"].ToString());
        var nameFilter = ParseNameField(context.Request.Query["fieldSelector"].ToString());
        IReadOnlyList<ApiObject> all;
        long revision;
        if (StoreOf(resource) is IApiObjectChangeFeed feed)
        {
            // The store's revision, not the newest object's: a watch from it must also be past every delete.
            (all, revision) = await feed.ListWithRevisionAsync(resource.StorageKey, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            all = await StoreOf(resource).ListAsync(resource.StorageKey, context.RequestAborted).ConfigureAwait(false);
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

    private static byte[] Serialize(JsonObject obj) => JsonSerializer.SerializeToUtf8Bytes(obj, _writeOptions);

    /// <summary>
    /// The stored form, refused past <see cref="RequestLimits.MaxObjectBytes"/>: a patch or a body just under the
    /// request limit must not leave an object that every list and reconcile pass then has to move.
    /// </summary>
    private byte[] SerializeWithinLimit(OwnResource resource, string name, JsonNode stored)
    {
        if (resource.StorageKey == PediaClusterResource.StorageKey && stored is JsonObject storedObject)
        {
            // For everybody, whoever writes: the annotation would otherwise keep a second copy of every token.
            PediaClusterCredentials.StripFromLastApplied(storedObject);
            protector.Protect(storedObject, name);
        }

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
