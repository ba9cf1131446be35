using Clusterpedia.KubeSim.Discovery;

namespace Clusterpedia.KubeSim.Http;

/// <summary>A request for a resource path, e.g. <c>/apis/apps/v1/namespaces/default/deployments/web/status</c>.</summary>
internal sealed record ResourceRequest(ApiResource Resource, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>
    /// Parses the part of a path after <c>/api/v1</c> or <c>/apis/{group}/{version}</c>. Returns null when the path does
    /// not name a served resource (the caller answers 404).
    /// </summary>
    public static ResourceRequest? Parse(ApiResourceCatalog catalog, string group, string version, ReadOnlySpan<string> rest)
    {
        if (rest.Length == 0)
        {
            return null;
        }

        if (rest[0] == "namespaces" && rest.Length >= 3 && catalog.Find(group, version, rest[2]) is { Namespaced: true } namespaced)
        {
            if (rest.Length > 5)
            {
                return null;
            }

            return new ResourceRequest(namespaced, rest[1], rest.Length > 3 ? rest[3] : null, rest.Length > 4 ? rest[4] : null);
        }

        if (rest.Length > 3 || catalog.Find(group, version, rest[0]) is not { } resource)
        {
            return null;
        }

        // A namespaced object can only be addressed inside its namespace.
        if (resource.Namespaced && rest.Length > 1)
        {
            return null;
        }

        return new ResourceRequest(resource, null, rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null);
    }
}
