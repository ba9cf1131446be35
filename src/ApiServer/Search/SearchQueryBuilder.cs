using Clusterpedia.ApiServer.Http;
using Clusterpedia.Kube;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Search;

/// <summary>Turns a search request's path scope and query string into the storage's one query model.</summary>
internal static class SearchQueryBuilder
{
    public static ResourceQuery Build(GroupVersionResource resource, IQueryCollection query, string? pathNamespace, string? pathCluster)
    {
        try
        {
            var pairs = query.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v)));
            return ResourceQueryParser.Parse(resource, pairs, pathNamespace, pathCluster);
        }
        catch (InvalidQueryException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }
}
