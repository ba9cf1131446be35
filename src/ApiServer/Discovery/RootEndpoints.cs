using Clusterpedia.ApiServer.Clusters;
using Clusterpedia.ApiServer.Collections;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Observability;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Discovery;

/// <summary>
/// Routes of the server root: version and health, discovery of our own groups, the PediaCluster API, and the
/// search prefix. Everything unknown is a 404 Status, as on kube-apiserver.
/// </summary>
internal static class RootEndpoints
{
    public const string SearchGroup = "clusterpedia.io";
    public const string SearchVersion = "v1beta1";

    public static void MapClusterpedia(this IEndpointRouteBuilder app)
    {
        app.MapGet("/version", (HttpContext c) => JsonResponse.WriteAsync(c, 200, ServerVersion.Write));
        app.MapHealth();

        app.MapGet("/openapi/v2", (HttpContext c) =>
        {
            c.Response.ContentType = OpenApiV2Document.ProtobufMediaType;
            return c.Response.Body.WriteAsync(OpenApiV2Document.Bytes, c.RequestAborted).AsTask();
        });
        app.MapGet("/openapi/v3", (HttpContext c, OpenApiDocuments docs) => JsonResponse.WriteRawAsync(c, 200, docs.Index));
        app.MapGet("/openapi/v3/{**path}", (HttpContext c, string path, OpenApiDocuments docs) =>
            docs.Find(path) is { } doc ? JsonResponse.WriteRawAsync(c, 200, doc) : throw ApiException.PathNotFound());
        app.Map(CollectionHandler.Prefix + "/{name?}", (HttpContext c, string? name, CollectionHandler handler) => handler.HandleAsync(c, name));
        app.Map(SearchHandler.Prefix + "/{**rest}", (HttpContext c, string? rest, SearchHandler handler) => handler.HandleAsync(c, rest));
        app.MapGet("/api", (HttpContext c) => JsonResponse.WriteAsync(c, 200, json => DiscoveryWriter.WriteApiVersions(json, [])));
        app.MapGet("/apis", (HttpContext c) => JsonResponse.WriteAsync(c, 200, json =>
            DiscoveryWriter.WriteGroupList(json, Groups())));
        app.MapGet("/apis/{group}", (HttpContext c, string group) =>
        {
            var match = Groups().FirstOrDefault(g => g.Group == group);
            return match.Group is null
                ? throw ApiException.PathNotFound()
                : JsonResponse.WriteAsync(c, 200, json => DiscoveryWriter.WriteGroup(json, match.Group, match.Versions));
        });
        app.MapGet("/apis/{group}/{version}", (HttpContext c, string group, string version) => WriteResourceListAsync(c, group, version));
        app.Map("/apis/{group}/{version}/{resource}/{name?}/{subresource?}", (HttpContext c, string group, string version, string resource, string? name, string? subresource, OwnApiHandler handler) =>
        {
            var own = OwnApiRegistry.Find(group, version, resource) ?? throw ApiException.PathNotFound();
            if (subresource is not null and not "status")
            {
                throw ApiException.PathNotFound();
            }

            return handler.HandleAsync(c, own, name, subresource == "status");
        });
        app.MapFallback(() => { throw ApiException.PathNotFound(); });
    }

    private static List<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var groups = OwnApiRegistry.All.GroupBy(r => r.Group)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(r => r.Version).Distinct()]))
            .ToList();
        groups.Add((SearchGroup, [SearchVersion]));
        return groups;
    }

    private static Task WriteResourceListAsync(HttpContext context, string group, string version)
    {
        if (group == SearchGroup && version == SearchVersion)
        {
            return JsonResponse.WriteAsync(context, 200, json =>
            {
                DiscoveryJson.WriteResourceListStart(json, $"{SearchGroup}/{SearchVersion}", withApiVersion: true);
                foreach (var (name, kind) in new[] { ("resources", "Resources"), ("collectionresources", "CollectionResource") })
                {
                    DiscoveryJson.WriteResource(json, name, "", namespaced: false, kind, ["get", "list"], [], []);
                }

                DiscoveryJson.WriteResourceListEnd(json);
            });
        }

        var own = OwnApiRegistry.All.Where(r => r.Group == group && r.Version == version).ToList();
        if (own.Count == 0)
        {
            throw ApiException.PathNotFound();
        }

        return JsonResponse.WriteAsync(context, 200, json =>
        {
            DiscoveryJson.WriteResourceListStart(json, $"{group}/{version}", withApiVersion: true);
            foreach (var r in own)
            {
                DiscoveryJson.WriteResource(json, r.Resource, r.SingularName, namespaced: false, r.Kind, ["create", "delete", "get", "list", "patch", "update", "watch"], r.ShortNames, []);
                if (r.HasStatus)
                {
                    DiscoveryJson.WriteResource(json, r.Resource + "/status", "", namespaced: false, r.Kind, ["get", "patch", "update"], [], []);
                }
            }

            DiscoveryJson.WriteResourceListEnd(json);
        });
    }
}
