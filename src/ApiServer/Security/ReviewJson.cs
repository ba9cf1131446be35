using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Security;

/// <summary>The JSON of authentication.k8s.io TokenReview and authorization.k8s.io SubjectAccessReview.</summary>
internal static class ReviewJson
{
    /// <summary>The user of a TokenReview status; null unless <c>authenticated</c> is true and a username is given.</summary>
    public static UserInfo? User(JsonNode? status)
    {
        if (status?["authenticated"]?.GetValueKind() != System.Text.Json.JsonValueKind.True
            || status["user"] is not JsonObject user
            || user["username"]?.GetValue<string>() is not { Length: > 0 } name)
        {
            return null;
        }

        var groups = (user["groups"] as JsonArray)?.Select(g => g?.GetValue<string>()).OfType<string>() ?? [];
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (user["extra"] is JsonObject extras)
        {
            foreach (var (key, values) in extras)
            {
                extra[key] = (values as JsonArray)?.Select(v => v?.GetValue<string>()).OfType<string>().ToArray() ?? [];
            }
        }

        return UserInfo.Authenticated(name, user["uid"]?.GetValue<string>(), groups, extra);
    }

    public static JsonObject SubjectAccessReview(UserInfo user, AccessAttributes a)
    {
        var spec = new JsonObject
        {
            ["user"] = user.Name,
            ["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode)JsonValue.Create(g))]),
        };
        if (user.Uid is { Length: > 0 } uid)
        {
            spec["uid"] = uid;
        }

        if (user.Extra.Count > 0)
        {
            var extra = new JsonObject();
            foreach (var (key, values) in user.Extra)
            {
                extra[key] = new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
            }

            spec["extra"] = extra;
        }

        if (a.IsResourceRequest)
        {
            var resource = new JsonObject { ["verb"] = a.Verb, ["group"] = a.Group, ["version"] = a.Version, ["resource"] = a.Resource };
            AddIfSet(resource, "namespace", a.Namespace);
            AddIfSet(resource, "subresource", a.Subresource);
            AddIfSet(resource, "name", a.Name);
            spec["resourceAttributes"] = resource;
        }
        else
        {
            spec["nonResourceAttributes"] = new JsonObject { ["path"] = a.NonResourcePath, ["verb"] = a.Verb };
        }

        return new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["kind"] = "SubjectAccessReview",
            ["spec"] = spec,
        };
    }

    private static void AddIfSet(JsonObject o, string key, string value)
    {
        if (value.Length > 0)
        {
            o[key] = value;
        }
    }
}
