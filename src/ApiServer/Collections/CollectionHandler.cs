using System.Globalization;
using System.Text.Json;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.ApiServer.Search.Access;
using Clusterpedia.ApiServer.Security;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Printing;
using Clusterpedia.Kube.Server;
using Clusterpedia.Storage;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Collections;

/// <summary>
/// Serves <c>/apis/clusterpedia.io/v1beta1/collectionresources[/name]</c>: the collections (workloads,
/// kuberesources, any, and those configured) and, for one collection, the objects of all its types in one page,
/// with every search filter and keyset paging. Tables print CLUSTER GROUP VERSION KIND NAMESPACE NAME AGE (and WORKLOAD
/// with -o wide); in the JSON form, an item with a resolved workload (pods) carries it as an annotation.
/// </summary>
internal sealed class CollectionHandler(
    IResourceStorage storage, MemberAccess access, IOptions<StorageOptions> storageOptions, IOptions<QueryLimits> limits, TimeProvider time)
{
    private static readonly TableColumnDefinition[] _collectionColumns =
    [
        new("Name", "string", "name", "The name of the collection.", 0),
        new("Resources", "string", "", "The resource types the collection spans.", 0),
    ];

    private static readonly TableColumnDefinition[] _itemColumns =
    [
        new("Cluster", "string", "", "The cluster the object was synced from.", 0),
        new("Group", "string", "", "The API group of the object.", 0),
        new("Version", "string", "", "The API version of the object.", 0),
        new("Kind", "string", "", "The kind of the object.", 0),
        new("Namespace", "string", "", "The namespace of the object.", 0),
        new("Name", "string", "name", "The name of the object.", 0),
        new("Age", "string", "", "Time since the object was created.", 0),
        ResourceWriter.WorkloadColumn,
    ];

    public const string Prefix = "/apis/clusterpedia.io/v1beta1/collectionresources";
    private const string _apiVersion = "clusterpedia.io/v1beta1";

    public async Task HandleAsync(HttpContext context, string? name)
    {
        if (context.Request.Query.IsWatch())
        {
            throw ApiException.MethodNotAllowed("watch (collection resources are listed, not watched; watch each resource instead)");
        }

        var format = ResponseFormat.Negotiate(context.Request.Headers.Accept.ToString());
        var collections = CollectionResource.All(storageOptions.Value);
        if (string.IsNullOrEmpty(name))
        {
            await JsonResponse.WriteAsync(context, 200, json => WriteCollectionList(json, collections, format)).ConfigureAwait(false);
            return;
        }

        var collection = collections.FirstOrDefault(c => c.Name == name)
            ?? throw ApiException.NotFound("clusterpedia.io", "collectionresources", name);
        var query = SearchQueryBuilder.BuildCollection(collection, context.Request.Query, limits.Value);
        query = query with
        {
            Access = await access.GrantsAsync(RequestUser.Get(context), query.ResourceTypes ?? collection.Types, context.RequestAborted).ConfigureAwait(false),
        };

        var result = await storage.ListAsync(query, context.RequestAborted).ConfigureAwait(false);
        var now = time.GetUtcNow();
        await JsonResponse.WriteAsync(context, 200, json =>
        {
            if (format.Kind == ResponseKind.Table)
            {
                WriteItemsTable(json, result, format, now);
            }
            else
            {
                WriteCollection(json, collection, query.ResourceTypes ?? collection.Types, result);
            }
        }).ConfigureAwait(false);
    }

    private static void WriteTypes(Utf8JsonWriter json, IEnumerable<ResourceTypeFilter> types)
    {
        json.WriteStartArray("resourceTypes");
        foreach (var t in types)
        {
            json.WriteStartObject();
            json.WriteString("group", t.Group);
            if (t.Version is not null)
            {
                json.WriteString("version", t.Version);
            }

            if (t.Resource is not null)
            {
                json.WriteString("resource", t.Resource);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static string Describe(CollectionResource c) =>
        c.Types.Count == 0 ? "<given by groups= or resources=>"
            : string.Join(',', c.Types.Select(t => t.Resource is null
                ? (t.Group.Length == 0 ? "core" : t.Group) + (t.Version is null ? "" : "/" + t.Version)
                : new GroupVersionResource(t.Group, t.Version ?? "", t.Resource).GroupResource));

    private static void WriteCollectionList(Utf8JsonWriter json, IReadOnlyList<CollectionResource> collections, ResponseFormat format)
    {
        if (format.Kind == ResponseKind.Table)
        {
            TableJson.WriteStart(json, format.MetaVersion, resourceVersion: null);
            TableJson.WriteColumnDefinitions(json, _collectionColumns);
            json.WriteStartArray("rows");
            foreach (var c in collections)
            {
                json.WriteStartObject();
                json.WriteStartArray("cells");
                json.WriteStringValue(c.Name);
                json.WriteStringValue(Describe(c));
                json.WriteEndArray();
                json.WriteStartObject("object");
                json.WriteString("kind", "PartialObjectMetadata");
                json.WriteString("apiVersion", $"meta.k8s.io/{format.MetaVersion}");
                json.WriteStartObject("metadata");
                json.WriteString("name", c.Name);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
            }

            TableJson.WriteEnd(json);
            return;
        }

        json.WriteStartObject();
        json.WriteString("kind", "CollectionResourceList");
        json.WriteString("apiVersion", _apiVersion);
        json.WriteStartObject("metadata");
        json.WriteEndObject();
        json.WriteStartArray("items");
        foreach (var c in collections)
        {
            json.WriteStartObject();
            json.WriteString("kind", "CollectionResource");
            json.WriteString("apiVersion", _apiVersion);
            json.WriteStartObject("metadata");
            json.WriteString("name", c.Name);
            json.WriteEndObject();
            WriteTypes(json, c.Types);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCollection(Utf8JsonWriter json, CollectionResource collection, IEnumerable<ResourceTypeFilter> types, ResourceListResult result)
    {
        json.WriteStartObject();
        json.WriteString("kind", "CollectionResource");
        json.WriteString("apiVersion", _apiVersion);
        json.WriteStartObject("metadata");
        json.WriteString("name", collection.Name);
        json.WriteString("resourceVersion", result.Revision.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(result.Continue))
        {
            json.WriteString("continue", result.Continue);
        }

        if (result.RemainingItemCount is { } remaining)
        {
            json.WriteNumber("remainingItemCount", remaining);
        }

        json.WriteEndObject();
        WriteTypes(json, types);
        json.WriteStartArray("items");
        foreach (var item in result.Items)
        {
            if (item.WorkloadKind is not null && item.WorkloadName is not null)
            {
                WorkloadAnnotation.Write(json, item.Object.Span, ResourceWriter.WorkloadCell(item));
            }
            else
            {
                json.WriteRawValue(item.Object.Span, skipInputValidation: true);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteItemsTable(Utf8JsonWriter json, ResourceListResult result, ResponseFormat format, DateTimeOffset now)
    {
        TableJson.WriteStart(json, format.MetaVersion, result.Revision.ToString(CultureInfo.InvariantCulture), result.Continue);
        TableJson.WriteColumnDefinitions(json, _itemColumns);
        json.WriteStartArray("rows");
        foreach (var item in result.Items)
        {
            json.WriteStartObject();
            json.WriteStartArray("cells");
            json.WriteStringValue(item.Cluster);
            json.WriteStringValue(item.Group);
            json.WriteStringValue(item.Version);
            json.WriteStringValue(item.Kind);
            json.WriteStringValue(item.Namespace);
            json.WriteStringValue(item.Name);
            json.WriteStringValue(HumanDuration.Since(item.CreatedAt == default ? null : item.CreatedAt, now));
            json.WriteStringValue(ResourceWriter.WorkloadCell(item));
            json.WriteEndArray();
            json.WriteStartObject("object");
            json.WriteString("kind", "PartialObjectMetadata");
            json.WriteString("apiVersion", $"meta.k8s.io/{format.MetaVersion}");
            json.WriteStartObject("metadata");
            json.WriteString("name", item.Name);
            if (item.Namespace.Length > 0)
            {
                json.WriteString("namespace", item.Namespace);
            }

            json.WriteString("uid", item.Uid);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        TableJson.WriteEnd(json);
    }
}
