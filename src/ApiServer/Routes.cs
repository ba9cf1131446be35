using Clusterpedia.ApiServer.Admission;
using Clusterpedia.ApiServer.Clusters;
using Clusterpedia.ApiServer.Collections;
using Clusterpedia.ApiServer.Discovery;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Observability;
using Clusterpedia.ApiServer.Search;

namespace Clusterpedia.ApiServer;

/// <summary>
/// Every path the server serves, with the methods each takes: read this file to know what the server answers.
/// Each pattern is an ASP.NET Core route pattern for one Kubernetes path shape, so no handler re-parses a path or
/// re-dispatches on the method. What is not here is a 404 Status (the fallback), as on kube-apiserver; a known path
/// asked with a method it does not take is a 405 Status (the catch-alls mapped after each group of paths, which
/// routing picks only when no method-specific endpoint matches). A trailing slash matches the path without it.
/// </summary>
internal static class Routes
{
    /// <summary>The search prefix, across all clusters; <see cref="SearchClusterScope"/> narrows to one cluster.</summary>
    public const string SearchPrefix = SearchHandler.Prefix;

    public const string SearchClusterScope = SearchPrefix + "/clusters/{cluster}";

    /// <summary>
    /// The Kubernetes path shapes served under both search scopes (<see cref="SearchPrefix"/> and
    /// <see cref="SearchClusterScope"/>), each with what it addresses. Subresources (pods/x/log, .../scale) are not
    /// here: a search index does not serve them.
    /// </summary>
    public static IReadOnlyList<(string Shape, SearchTarget Target)> SearchShapes { get; } =
    [
        ("/version", SearchTarget.Version),
        ("/api", SearchTarget.ApiVersions),
        ("/api/{version}", SearchTarget.ResourceList),
        ("/api/{version}/{resource}", SearchTarget.Collection),
        ("/api/{version}/{resource}/{name}", SearchTarget.Object), // namespaces/{name} is the Namespace object
        ("/api/{version}/namespaces/{namespace}/{resource}", SearchTarget.Collection),
        ("/api/{version}/namespaces/{namespace}/{resource}/{name}", SearchTarget.Object),
        ("/apis", SearchTarget.ApiGroupList),
        ("/apis/{group}", SearchTarget.ApiGroup),
        ("/apis/{group}/{version}", SearchTarget.ResourceList),
        ("/apis/{group}/{version}/{resource}", SearchTarget.Collection),
        ("/apis/{group}/{version}/{resource}/{name}", SearchTarget.Object),
        ("/apis/{group}/{version}/namespaces/{namespace}/{resource}", SearchTarget.Collection),
        ("/apis/{group}/{version}/namespaces/{namespace}/{resource}/{name}", SearchTarget.Object),
    ];

    private static readonly string[] _getOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static void MapClusterpedia(this IEndpointRouteBuilder app)
    {
        // Server: version, health, metrics.
        app.MapGet("/version", (HttpContext c) => JsonResponse.WriteAsync(c, 200, ServerVersion.Write));
        app.MapHealth();

        // OpenAPI: v2 (protobuf, what kubectl 1.27 reads) and v3 (an index, then one document per group/version).
        app.MapGet("/openapi/v2", RootEndpoints.WriteOpenApiV2Async);
        app.MapGet("/openapi/v3", (HttpContext c, OpenApiDocuments docs) => JsonResponse.WriteRawAsync(c, 200, docs.Index));
        app.MapGet("/openapi/v3/{**groupVersion}", (HttpContext c, string groupVersion, OpenApiDocuments docs) =>
            docs.Find(groupVersion) is { } doc ? JsonResponse.WriteRawAsync(c, 200, doc) : throw ApiException.PathNotFound());

        // Discovery of the server root: our own groups and the search group.
        app.MapGet("/api", (HttpContext c) => JsonResponse.WriteAsync(c, 200, json => DiscoveryWriter.WriteApiVersions(json, [])));
        app.MapGet("/apis", RootEndpoints.WriteGroupListAsync);
        app.MapGet("/apis/{group}", RootEndpoints.WriteGroupAsync);
        app.MapGet("/apis/{group}/{version}", RootEndpoints.WriteResourceListAsync);

        MapSearch(app);
        MapCollections(app);
        foreach (var resource in OwnApiRegistry.All)
        {
            MapOwnResource(app, resource);
        }

        MapAdmission(app);
        app.MapFallback(() => { throw ApiException.PathNotFound(); });
    }

    /// <summary>Our admission webhooks for a host cluster (AdmissionReview v1, POST only); see docs/security.md.</summary>
    private static void MapAdmission(IEndpointRouteBuilder app)
    {
        app.MapPost(AdmissionHandler.ValidatePath, (HttpContext c, AdmissionHandler h) => h.ValidateAsync(c));
        app.MapPost(AdmissionHandler.MutatePath, (HttpContext c, AdmissionHandler h) => h.MutateAsync(c));
        app.Map(AdmissionHandler.ValidatePath, MethodNotAllowed);
        app.Map(AdmissionHandler.MutatePath, MethodNotAllowed);
    }

    /// <summary>Search: GET and HEAD of every shape in both scopes; any other method under the prefix is a 405.</summary>
    private static void MapSearch(IEndpointRouteBuilder app)
    {
        foreach (var scope in new[] { SearchPrefix, SearchClusterScope })
        {
            foreach (var (shape, target) in SearchShapes)
            {
                app.MapMethods(scope + shape, _getOrHead, Search(target));
            }
        }

        // Unknown paths under the prefix are 404s; a write to any of them is a 405, as before routes were patterns.
        app.Map(SearchPrefix + "/{**rest}", (HttpContext c) =>
            throw (HttpMethods.IsGet(c.Request.Method) || HttpMethods.IsHead(c.Request.Method)
                ? ApiException.PathNotFound()
                : ApiException.MethodNotAllowed(c.Request.Method)));
    }

    /// <summary>Collection resources: GET of the list and of one collection's objects (listed, never watched).</summary>
    private static void MapCollections(IEndpointRouteBuilder app)
    {
        app.MapGet(CollectionHandler.Prefix, (HttpContext c, CollectionHandler handler) => handler.HandleAsync(c, null));
        app.MapGet(CollectionHandler.Prefix + "/{name}", (HttpContext c, string name, CollectionHandler handler) => handler.HandleAsync(c, name));
        app.Map(CollectionHandler.Prefix + "/{name?}", MethodNotAllowed);
    }

    /// <summary>
    /// One resource of our own API (PediaCluster, ClusterSyncResources; both groups): the collection, one object, and
    /// the status subresource where the kind has one.
    /// </summary>
    private static void MapOwnResource(IEndpointRouteBuilder app, OwnResource r)
    {
        var collection = $"/apis/{r.Group}/{r.Version}/{r.Resource}";
        app.MapGet(collection, (HttpContext c, OwnApiHandler h) => h.ListOrWatchAsync(c, r));
        app.MapPost(collection, (HttpContext c, OwnApiHandler h) => h.PostAsync(c, r));
        app.Map(collection, (HttpContext c, OwnApiHandler h) => h.NotAllowedAsync(c, r));

        var item = collection + "/{name}";
        app.MapGet(item, (HttpContext c, string name, OwnApiHandler h) => h.GetAsync(c, r, name));
        app.MapPut(item, (HttpContext c, string name, OwnApiHandler h) => h.PutAsync(c, r, name, statusSubresource: false));
        app.MapPatch(item, (HttpContext c, string name, OwnApiHandler h) => h.PatchAsync(c, r, name, statusSubresource: false));
        app.MapDelete(item, (HttpContext c, string name, OwnApiHandler h) => h.DeleteObjectAsync(c, r, name));
        app.Map(item, (HttpContext c, OwnApiHandler h) => h.NotAllowedAsync(c, r));

        var status = item + "/status";
        if (!r.HasStatus)
        {
            app.Map(status, (HttpContext c, OwnApiHandler h) => h.NoStatusAsync(c, r));
            return;
        }

        app.MapGet(status, (HttpContext c, string name, OwnApiHandler h) => h.GetAsync(c, r, name));
        app.MapPut(status, (HttpContext c, string name, OwnApiHandler h) => h.PutAsync(c, r, name, statusSubresource: true));
        app.MapPatch(status, (HttpContext c, string name, OwnApiHandler h) => h.PatchAsync(c, r, name, statusSubresource: true));
        app.Map(status, (HttpContext c, OwnApiHandler h) => h.NotAllowedAsync(c, r));
    }

    /// <summary>
    /// One search shape: the route values become a <see cref="SearchPath"/> (a plain delegate, no parameter binding,
    /// so the hot path costs what the matcher already did). The cluster is unescaped once more, as a name with an
    /// escaped slash was before.
    /// </summary>
    private static RequestDelegate Search(SearchTarget target) => context =>
    {
        var values = context.Request.RouteValues;
        var path = new SearchPath(
            values["cluster"] is string cluster ? Uri.UnescapeDataString(cluster) : null,
            target,
            values["group"] as string ?? "",
            values["version"] as string ?? "",
            values["namespace"] as string,
            values["resource"] as string ?? "",
            values["name"] as string);
        return context.RequestServices.GetRequiredService<SearchHandler>().HandleAsync(context, path);
    };

    private static Task MethodNotAllowed(HttpContext context) => throw ApiException.MethodNotAllowed(context.Request.Method);
}
