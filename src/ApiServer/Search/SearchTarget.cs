namespace Clusterpedia.ApiServer.Search;

/// <summary>What a path under the search prefix addresses.</summary>
public enum SearchTarget
{
    Version,
    ApiVersions,
    ApiGroupList,
    ApiGroup,
    ResourceList,
    Collection,
    Object,
}
