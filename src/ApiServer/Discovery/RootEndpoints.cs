using Clusterpedia.ApiServer.Clusters;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Discovery;

/// <summary>
/// What the server root answers itself: the OpenAPI v2 document, and discovery of our own groups and of the
/// search group. Which paths lead here is the route table's (Routes.cs).
/// </summary>
internal static class RootEndpoints
{
    public const string SearchGroup = "clusterpedia.io";
    public const string SearchVersion = "v1beta1";

    public static Task WriteOpenApiV2Async(HttpContext c)
    {
        c.Response.ContentType = OpenApiV2Document.ProtobufMediaType;
        return c.Response.Body.WriteAsync(OpenApiV2Document.Bytes, c.RequestAborted).AsTask();
    }

    public static Task WriteGroupListAsync(HttpContext c) =>
        JsonResponse.WriteAsync(c, 200, json => DiscoveryWriter.WriteGroupList(json, Groups()));

    public static Task WriteGroupAsync(HttpContext c, string group)
    {
        var match = Groups().FirstOrDefault(g => g.Group == group);
        return match.Group is null
            ? throw ApiException.PathNotFound()
            : JsonResponse.WriteAsync(c, 200, json => DiscoveryWriter.WriteGroup(json, match.Group, match.Versions));
    }

    private static List<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var groups = OwnApiRegistry.All.GroupBy(r => r.Group)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(r => r.Version).Distinct()]))
            .ToList();
        groups.Add((SearchGroup, [SearchVersion]));
        return groups;
    }

    public static Task WriteResourceListAsync(HttpContext context, string group, string version)
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
