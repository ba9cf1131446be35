namespace Clusterpedia.ApiServer.Search;

/// <summary>
/// A parsed path under <c>/apis/clusterpedia.io/v1beta1/resources</c>: an optional <c>clusters/{name}</c> scope
/// followed by a native Kubernetes path (discovery, collection or object).
/// </summary>
public sealed record SearchPath(
    string? Cluster,
    SearchTarget Target,
    string Group = "",
    string Version = "",
    string? Namespace = null,
    string Resource = "",
    string? Name = null)
{
    /// <summary>Parses the part after the prefix; null when it is not a path we serve (the caller answers 404).</summary>
    public static SearchPath? Parse(string rest)
    {
        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? cluster = null;
        var i = 0;
        if (segments.Length >= 2 && segments[0] == "clusters")
        {
            cluster = Uri.UnescapeDataString(segments[1]);
            i = 2;
        }

        var s = segments.AsSpan(i);
        if (s.Length == 0)
        {
            return null;
        }

        if (s.Length == 1 && s[0] == "version")
        {
            return new SearchPath(cluster, SearchTarget.Version);
        }

        string group, version;
        ReadOnlySpan<string> tail;
        if (s[0] == "api")
        {
            if (s.Length == 1)
            {
                return new SearchPath(cluster, SearchTarget.ApiVersions);
            }

            group = "";
            version = s[1];
            tail = s[2..];
        }
        else if (s[0] == "apis")
        {
            if (s.Length == 1)
            {
                return new SearchPath(cluster, SearchTarget.ApiGroupList);
            }

            if (s.Length == 2)
            {
                return new SearchPath(cluster, SearchTarget.ApiGroup, s[1]);
            }

            group = s[1];
            version = s[2];
            tail = s[3..];
        }
        else
        {
            return null;
        }

        switch (tail.Length)
        {
            case 0:
                return new SearchPath(cluster, SearchTarget.ResourceList, group, version);
            case 1:
                return new SearchPath(cluster, SearchTarget.Collection, group, version, null, tail[0]);
            case 2 when tail[0] == "namespaces":
                // GET /api/v1/namespaces/{name}: the namespace object itself.
                return new SearchPath(cluster, SearchTarget.Object, group, version, null, tail[0], tail[1]);
            case 2:
                return new SearchPath(cluster, SearchTarget.Object, group, version, null, tail[0], tail[1]);
            case 3 when tail[0] == "namespaces":
                return new SearchPath(cluster, SearchTarget.Collection, group, version, tail[1], tail[2]);
            case 4 when tail[0] == "namespaces":
                return new SearchPath(cluster, SearchTarget.Object, group, version, tail[1], tail[2], tail[3]);
            default:
                // Subresources (pods/x/log, ...) are not served by a search index.
                return null;
        }
    }
}
