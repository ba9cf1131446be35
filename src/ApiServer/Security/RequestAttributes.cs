using Clusterpedia.Kube;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// The <see cref="AccessAttributes"/> of a request, derived as kube's generic apiserver does (k8s.io/apiserver
/// RequestInfoFactory), so a ClusterRole written for Clusterpedia means the same here as in the host that proxies
/// to us: <c>/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments</c> is verb get of resource
/// <c>resources</c>, name <c>apis</c>, subresource <c>apps</c> (rules name <c>resources</c> with <c>*</c> or
/// <c>resources/*</c>); <c>/apis/clusterpedia.io/v1beta1/collectionresources</c> is list of <c>collectionresources</c>;
/// a path that is not <c>/api/v/r...</c> or <c>/apis/g/v/r...</c> is a non-resource path with the method as verb.
/// </summary>
internal static class RequestAttributes
{
    private static readonly HashSet<string> _namespaceSubresources = new(StringComparer.Ordinal) { "status", "finalize" };

    public static AccessAttributes For(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var nonResource = new AccessAttributes(request.Method.ToLowerInvariant(), NonResourcePath: path);
        if (parts.Length < 3 || parts[0] is not ("api" or "apis"))
        {
            return nonResource;
        }

        var rest = parts.AsSpan(1);
        var group = "";
        if (parts[0] == "apis")
        {
            if (rest.Length < 3)
            {
                return nonResource;
            }

            group = rest[0];
            rest = rest[1..];
        }

        var version = rest[0];
        rest = rest[1..];
        var verb = VerbOf(request.Method);
        if (rest.Length > 0 && rest[0] == "watch")
        {
            verb = "watch";
            rest = rest[1..];
        }

        var ns = "";
        if (rest.Length > 0 && rest[0] == "namespaces")
        {
            if (rest.Length > 1)
            {
                ns = rest[1];
                if (rest.Length > 2 && !_namespaceSubresources.Contains(rest[2]))
                {
                    rest = rest[2..];
                }
            }
        }

        var resource = rest.Length > 0 ? rest[0] : "";
        var name = rest.Length > 1 ? rest[1] : "";
        var subresource = rest.Length > 2 && verb != "watch" ? rest[2] : "";
        if (name.Length == 0 && verb == "get")
        {
            verb = QueryBool.Parse(request.Query["watch"].ToArray()) ? "watch" : "list";
        }

        if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        return new AccessAttributes(verb, group, version, resource, subresource, ns, name);
    }

    private static string VerbOf(string method) => method switch
    {
        "POST" => "create",
        "GET" or "HEAD" => "get",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => method.ToLowerInvariant(),
    };
}
