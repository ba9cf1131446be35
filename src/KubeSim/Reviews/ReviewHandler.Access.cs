using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Http;
using Clusterpedia.KubeSim.Rbac;
using Clusterpedia.KubeSim.Security;

namespace Clusterpedia.KubeSim.Reviews;

// authorization.k8s.io: the access reviews and the rules review, decided by the server's own authorizer.
internal sealed partial class ReviewHandler
{
    private JsonObject SubjectAccessReview(HttpContext context, ResourceRequest request, JsonObject body)
    {
        var spec = body["spec"];
        var user = Text(spec, "user") ?? string.Empty;
        var groups = Strings(spec, "groups");
        if (user.Length == 0 && groups.Count == 0)
        {
            throw Invalid(request, string.Empty, "spec.user", "Invalid value: \"\": at least one of user or group must be specified");
        }

        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (spec?["extra"] is JsonObject extraJson)
        {
            foreach (var (key, value) in extraJson)
            {
                // JSON carries a list per key; a protobuf body decodes to the ExtraValue message, {"items": [...]}.
                extra[key] = value is JsonObject wrapped ? Strings(wrapped, "items") : Strings(extraJson, key);
            }
        }

        // The subject is taken as given: no system:authenticated is added, as upstream.
        var subject = new UserInfo(user, Text(spec, "uid"), groups, extra);
        return Decide(request, body, subject, ns: null);
    }

    private JsonObject LocalSubjectAccessReview(HttpContext context, ResourceRequest request, JsonObject body)
    {
        var spec = body["spec"];
        if (spec?["nonResourceAttributes"] is JsonObject)
        {
            throw Invalid(request, string.Empty, "spec.nonResourceAttributes", "Invalid value: \"null\": disallowed on this kind of request");
        }

        var ns = Text(spec?["resourceAttributes"], "namespace") ?? string.Empty;
        if (ns != request.Namespace)
        {
            throw Invalid(request, string.Empty, "spec.resourceAttributes.namespace", $"Invalid value: \"{ns}\": must match metadata.namespace");
        }

        return SubjectAccessReview(context, request, body);
    }

    private JsonObject SelfSubjectAccessReview(HttpContext context, ResourceRequest request, JsonObject body) =>
        Decide(request, body, RequestUser.Get(context), ns: null);

    private JsonObject Decide(ResourceRequest request, JsonObject body, UserInfo user, string? ns)
    {
        var spec = body["spec"];
        var resource = spec?["resourceAttributes"] as JsonObject;
        var nonResource = spec?["nonResourceAttributes"] as JsonObject;
        if ((resource is null) == (nonResource is null))
        {
            throw Invalid(request, string.Empty, "spec.resourceAttributes",
                "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified");
        }

        var attributes = resource is not null
            ? new RequestAttributes(user, Text(resource, "verb") ?? string.Empty, true, string.Empty)
            {
                ApiGroup = Text(resource, "group") ?? string.Empty,
                ApiVersion = Text(resource, "version") ?? string.Empty,
                Resource = Text(resource, "resource") ?? string.Empty,
                Subresource = Text(resource, "subresource") ?? string.Empty,
                Namespace = ns ?? Text(resource, "namespace") ?? string.Empty,
                Name = Text(resource, "name") ?? string.Empty,
            }
            : new RequestAttributes(user, Text(nonResource, "verb") ?? string.Empty, false, Text(nonResource, "path") ?? string.Empty);
        var (allowed, reason) = _security.Authorizer.Authorize(attributes);
        var status = new JsonObject { ["allowed"] = allowed };
        if (reason.Length > 0)
        {
            status["reason"] = reason;
        }

        return Reply(request, body, status);
    }

    private JsonObject SelfSubjectRulesReview(HttpContext context, ResourceRequest request, JsonObject body)
    {
        var ns = Text(body["spec"], "namespace") ?? string.Empty;
        var rules = _security.Authorizer.RulesFor(RequestUser.Get(context), ns);
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        foreach (var rule in rules)
        {
            if (rule.NonResourceUrls.Count > 0)
            {
                nonResourceRules.Add(new JsonObject { ["verbs"] = Array(rule.Verbs), ["nonResourceURLs"] = Array(rule.NonResourceUrls) });
            }

            if (rule.Resources.Count > 0)
            {
                var json = new JsonObject { ["verbs"] = Array(rule.Verbs), ["apiGroups"] = Array(rule.ApiGroups), ["resources"] = Array(rule.Resources) };
                if (rule.ResourceNames.Count > 0)
                {
                    json["resourceNames"] = Array(rule.ResourceNames);
                }

                resourceRules.Add(json);
            }
        }

        return Reply(request, body, new JsonObject
        {
            ["resourceRules"] = resourceRules,
            ["nonResourceRules"] = nonResourceRules,
            ["incomplete"] = false,
        });
    }

    private static JsonArray Array(IReadOnlyList<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
}
