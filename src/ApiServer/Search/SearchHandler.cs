using System.Globalization;
using Clusterpedia.ApiServer.Discovery;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Search.Access;
using Clusterpedia.ApiServer.Security;
using Clusterpedia.ApiServer.Watch;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.SyncState;
using Clusterpedia.Kube.Discovery;
using Clusterpedia.Kube.Printing;
using Clusterpedia.Kube.Server;
using Clusterpedia.Storage;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Search;

/// <summary>
/// Serves everything under <c>/apis/clusterpedia.io/v1beta1/resources</c>: discovery of what is synced, and list /
/// get of synced objects across clusters or within one. Which path shapes exist is the route table's (Routes.cs).
/// </summary>
internal sealed class SearchHandler(
    IResourceStorage storage,
    IApiObjectStore objects,
    SyncedResourceCatalog catalog,
    IClusterSyncState synchros,
    WatchHandler watcher,
    MemberAccess access,
    IOptions<QueryLimits> limits,
    TimeProvider time)
{
    public const string Prefix = "/apis/clusterpedia.io/v1beta1/resources";

    /// <summary>A GET or HEAD the route table (Routes.cs) matched to one Kubernetes path shape under <see cref="Prefix"/>.</summary>
    public async Task HandleAsync(HttpContext context, SearchPath path)
    {
        var ct = context.RequestAborted;
        if (path.Cluster is not null && !await ClusterExistsAsync(path.Cluster, ct).ConfigureAwait(false))
        {
            throw ApiException.BadRequest($"cluster \"{path.Cluster}\" is not known: it has no PediaCluster on this server");
        }

        var resources = catalog.For(path.Cluster);
        switch (path.Target)
        {
            case SearchTarget.Version:
                await JsonResponse.WriteAsync(context, 200, ServerVersion.Write).ConfigureAwait(false);
                return;
            case SearchTarget.ApiVersions or SearchTarget.ApiGroupList
                when AggregatedDiscovery.Negotiate(context.Request.Headers.Accept.ToString()) is { } aggregated:
                var scope = resources.Where(r => (r.Resource.Group.Length == 0) == (path.Target == SearchTarget.ApiVersions)).ToList();
                await JsonResponse.WriteAsync(context, 200, json => AggregatedDiscovery.Write(json, aggregated, scope), AggregatedDiscovery.ContentType(aggregated)).ConfigureAwait(false);
                return;
            case SearchTarget.ApiVersions:
                var core = resources.Where(r => r.Resource.Group.Length == 0).Select(r => r.Resource.Version).Distinct().Order(KubeVersionComparer.Instance).ToList();
                await JsonResponse.WriteAsync(context, 200, json => DiscoveryWriter.WriteApiVersions(json, core)).ConfigureAwait(false);
                return;
            case SearchTarget.ApiGroupList:
                var groups = resources.Where(r => r.Resource.Group.Length > 0)
                    .GroupBy(r => r.Resource.Group, StringComparer.Ordinal)
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(r => r.Resource.Version).Distinct()]))
                    .ToList();
                await JsonResponse.WriteAsync(context, 200, json => DiscoveryWriter.WriteGroupList(json, groups)).ConfigureAwait(false);
                return;
            case SearchTarget.ApiGroup:
                var versions = resources.Where(r => r.Resource.Group == path.Group).Select(r => r.Resource.Version).Distinct().ToList();
                if (versions.Count == 0)
                {
                    throw ApiException.PathNotFound();
                }

                await JsonResponse.WriteAsync(context, 200, json => DiscoveryWriter.WriteGroup(json, path.Group, versions)).ConfigureAwait(false);
                return;
            case SearchTarget.ResourceList:
                var inVersion = resources.Where(r => r.Resource.Group == path.Group && r.Resource.Version == path.Version).ToList();
                if (inVersion.Count == 0)
                {
                    throw ApiException.PathNotFound();
                }

                var gv = path.Group.Length == 0 ? path.Version : $"{path.Group}/{path.Version}";
                await JsonResponse.WriteAsync(context, 200, json => DiscoveryWriter.WriteResourceList(json, gv, inVersion)).ConfigureAwait(false);
                return;
            case SearchTarget.Collection:
                await ListAsync(context, path, ct).ConfigureAwait(false);
                return;
            case SearchTarget.Object:
                await GetAsync(context, path, ct).ConfigureAwait(false);
                return;
            default:
                throw ApiException.PathNotFound();
        }
    }

    private async Task<bool> ClusterExistsAsync(string cluster, CancellationToken ct) =>
        catalog.Clusters.Contains(cluster) ||
        await objects.GetAsync(PediaClusterResource.StorageKey, cluster, ct).ConfigureAwait(false) is not null;

    private SyncedResource Resolve(SearchPath path) =>
        catalog.Find(path.Cluster, path.Group, path.Version, path.Resource) ?? throw ApiException.PathNotFound();

    private async Task ListAsync(HttpContext context, SearchPath path, CancellationToken ct)
    {
        var synced = Resolve(path);
        var format = ResponseFormat.Negotiate(context.Request.Headers.Accept.ToString());
        var query = SearchQueryBuilder.Build(synced.Resource, context.Request.Query, path.Namespace, path.Cluster, limits.Value);
        query = query with
        {
            Access = await access.GrantsAsync(RequestUser.Get(context), synced.Resource.Group, synced.Resource.Resource, path.Cluster, ct).ConfigureAwait(false),
        };
        if (context.Request.Query.IsWatch())
        {
            AddHealthWarnings(context, path.Cluster is null ? query.Clusters : [path.Cluster]);
            await watcher.WatchAsync(context, synced, query, format, CreateWriter(context, format, synced)).ConfigureAwait(false);
            return;
        }

        // A list never answers from a state older than the resourceVersion it names (a read replica may lag).
        query = query with { MinRevision = ListRevision.Parse(context.Request.Query) };
        if (query.OnlyMetadata && format.Kind == ResponseKind.Object)
        {
            format = new ResponseFormat(ResponseKind.PartialObjectMetadata, "v1");
        }

        var writer = CreateWriter(context, format, synced);
        if (query.Limit is null or 0)
        {
            // Unlimited: the rows go from the database reader to the response as they are read, never all in memory.
            var rows = await storage.OpenListAsync(query, ct).ConfigureAwait(false);
            await using (rows.ConfigureAwait(false))
            {
                AddHealthWarnings(context, path.Cluster is null ? query.Clusters : [path.Cluster]);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await writer.WriteListAsync(context.Response.BodyWriter, rows, ct).ConfigureAwait(false);
            }

            return;
        }

        var result = await storage.ListAsync(query, ct).ConfigureAwait(false);
        AddHealthWarnings(context, path.Cluster is null ? query.Clusters : [path.Cluster]);
        await JsonResponse.WriteAsync(
            context,
            200,
            json => writer.WriteList(json, result.Items, result.Revision.ToString(CultureInfo.InvariantCulture), result.Continue, result.RemainingItemCount)).ConfigureAwait(false);
    }

    private async Task GetAsync(HttpContext context, SearchPath path, CancellationToken ct)
    {
        var synced = Resolve(path);
        if (path.Cluster is null)
        {
            throw ApiException.BadRequest(
                $"getting one {synced.Resource.GroupResource} needs a cluster: use {Prefix}/clusters/<cluster>/... (kubectl --cluster <cluster>), or list with a name filter across clusters");
        }

        if (synced.Namespaced && path.Namespace is null)
        {
            throw ApiException.BadRequest($"{synced.Resource.GroupResource} is namespaced: the path needs namespaces/<namespace>/");
        }

        var format = ResponseFormat.Negotiate(context.Request.Headers.Accept.ToString());
        var key = new ResourceKey(path.Cluster, synced.Resource.Group, synced.Resource.Version, synced.Resource.Resource, path.Namespace ?? "", path.Name!);
        // An object the user may not list is answered as missing, so its existence does not leak.
        var visible = await access.CanSeeAsync(RequestUser.Get(context), path.Cluster, key.Group, key.Resource, key.Namespace, ct).ConfigureAwait(false);
        var item = (visible ? await storage.GetAsync(key, ct).ConfigureAwait(false) : null)
            ?? throw ApiException.NotFound(synced.Resource.Group, synced.Resource.Resource, path.Name!);
        AddHealthWarnings(context, [path.Cluster]);
        var writer = CreateWriter(context, format, synced);
        await JsonResponse.WriteAsync(context, 200, json => writer.WriteObject(json, item)).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds a Warning header (kubectl prints it) for each cluster in scope whose synchro is not ready, so a search
    /// never silently returns stale or partial data.
    /// </summary>
    private void AddHealthWarnings(HttpContext context, IReadOnlyList<string>? clustersInScope)
    {
        foreach (var cluster in synchros.NotReadyClusters())
        {
            if (clustersInScope is null || clustersInScope.Contains(cluster))
            {
                context.Response.Headers.Append("Warning", $"299 - \"cluster {cluster} is not ready: its objects may be stale or incomplete\"");
            }
        }
    }

    /// <summary>Kubernetes' own groups: the core group, dotless groups (apps, batch, ...) and *.k8s.io.</summary>
    private static bool IsBuiltInGroup(string group) =>
        group.Length == 0 || !group.Contains('.', StringComparison.Ordinal) || group.EndsWith(".k8s.io", StringComparison.Ordinal);

    private ResourceWriter CreateWriter(HttpContext context, ResponseFormat format, SyncedResource synced)
    {
        var include = context.Request.Query["includeObject"].ToString() switch
        {
            "" or "Metadata" => IncludeObject.Metadata,
            "None" => IncludeObject.None,
            "Object" => IncludeObject.Object,
            var other => throw ApiException.BadRequest($"includeObject: unsupported value \"{other}\": supported values are None, Metadata, Object"),
        };
        var printer = TablePrinters.ForBuiltIn(synced.Resource.Group, synced.Resource.Resource)
            ?? (IsBuiltInGroup(synced.Resource.Group) && synced.PrinterColumns is null
                ? TablePrinters.Default
                : TablePrinters.ForCustomResource(synced.PrinterColumns ?? []));
        return new ResourceWriter(format, synced.Resource, synced.Kind, printer, include, time.GetUtcNow());
    }
}
