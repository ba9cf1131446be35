using Clusterpedia.Kube.Server;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>
/// What an authorizer decides on, as kube-apiserver's RequestInfoFactory derives it from a request: a resource request
/// (verb, API group and version, resource, subresource, namespace, name) or a non-resource one (lower-cased HTTP method
/// and path). Reviews build the same record from their spec.
/// </summary>
internal sealed record RequestAttributes(UserInfo User, string Verb, bool IsResourceRequest, string Path)
{
    private static readonly HashSet<string> _namespaceSubresources = ["status", "finalize"];

    public string ApiGroup { get; init; } = string.Empty;

    public string ApiVersion { get; init; } = string.Empty;

    public string Resource { get; init; } = string.Empty;

    public string Subresource { get; init; } = string.Empty;

    public string Namespace { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>The attributes of an HTTP request made by <paramref name="user"/>.</summary>
    public static RequestAttributes FromRequest(UserInfo user, string method, string path, IQueryCollection query)
    {
        var nonResource = new RequestAttributes(user, method.ToLowerInvariant(), false, path);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || parts[0] is not ("api" or "apis"))
        {
            return nonResource;
        }

        var rest = parts.AsSpan(1);
        var group = string.Empty;
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
        string verb;
        var verbFromPath = rest[0] is "watch" or "proxy";
        if (verbFromPath && rest.Length >= 2)
        {
            // The deprecated /watch/ and /proxy/ path prefixes name the verb themselves.
            verb = rest[0];
            rest = rest[1..];
        }
        else
        {
            verb = method.ToUpperInvariant() switch
            {
                "POST" => "create",
                "GET" or "HEAD" => "get",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => string.Empty,
            };
        }

        var ns = string.Empty;
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            // namespaces/<name>/status and /finalize stay requests on the namespace itself.
            if (rest.Length > 2 && !_namespaceSubresources.Contains(rest[2]))
            {
                rest = rest[2..];
            }
        }

        var resource = rest[0];
        var name = rest.Length >= 2 ? rest[1] : string.Empty;
        var subresource = rest.Length >= 3 && verb != "proxy" ? rest[2] : string.Empty;
        if (name.Length == 0 && verb == "get")
        {
            verb = IsTrue(query["watch"]) ? "watch" : "list";
            if (FieldSelectorName(query["fieldSelector"]) is { } selected)
            {
                // A list or watch narrowed to one name is authorized as that name, like upstream.
                name = selected;
            }
        }
        else if (name.Length > 0 && verb == "get" && IsTrue(query["watch"]))
        {
            verb = "watch";
        }
        else if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        return new RequestAttributes(user, verb, true, path)
        {
            ApiGroup = group,
            ApiVersion = version,
            Resource = resource,
            Subresource = subresource,
            Namespace = ns,
            Name = name,
        };
    }

    private static bool IsTrue(string? value) => value is "true" or "1" or "True";

    private static string? FieldSelectorName(string? selector)
    {
        if (string.IsNullOrEmpty(selector))
        {
            return null;
        }

        foreach (var term in selector.Split(','))
        {
            var trimmed = term.Trim();
            foreach (var prefix in (string[])["metadata.name==", "metadata.name="])
            {
                if (trimmed.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return trimmed[prefix.Length..];
                }
            }
        }

        return null;
    }
}
