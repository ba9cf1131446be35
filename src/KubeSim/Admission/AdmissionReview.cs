using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Admission;

/// <summary>The AdmissionReview request body kube-apiserver sends a webhook (admission.k8s.io/v1 AdmissionRequest).</summary>
internal static class AdmissionReview
{
    public static JsonObject Request(string uid, string reviewVersion, WebhookInvocation invocation, AdmissionAttributes a)
    {
        var apiVersion = invocation.Group.Length == 0 ? invocation.Version : $"{invocation.Group}/{invocation.Version}";
        var request = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = Gvk(a.Subresource.Length == 0 ? invocation.Group : a.KindGroup, a.Subresource.Length == 0 ? invocation.Version : a.KindVersion, invocation.Kind),
            ["resource"] = Gvr(invocation.Group, invocation.Version, invocation.Resource),
        };
        if (a.Subresource.Length > 0)
        {
            request["subResource"] = a.Subresource;
        }

        request["requestKind"] = Gvk(a.KindGroup, a.KindVersion, a.Kind);
        request["requestResource"] = Gvr(a.Group, a.Version, a.Resource);
        if (a.Subresource.Length > 0)
        {
            request["requestSubResource"] = a.Subresource;
        }

        if (a.Name.Length > 0)
        {
            request["name"] = a.Name;
        }

        if (a.Namespace.Length > 0)
        {
            request["namespace"] = a.Namespace;
        }

        request["operation"] = a.Operation;
        request["userInfo"] = UserInfo(a.User);
        request["object"] = Versioned(a.Object, a.Subresource.Length == 0 ? apiVersion : null, invocation.Kind);
        request["oldObject"] = Versioned(a.OldObject, a.Subresource.Length == 0 ? apiVersion : null, invocation.Kind);
        request["dryRun"] = a.DryRun;
        request["options"] = a.Options.DeepClone();
        return new JsonObject
        {
            ["kind"] = "AdmissionReview",
            ["apiVersion"] = "admission.k8s.io/" + reviewVersion,
            ["request"] = request,
        };
    }

    // The object as the webhook's version sees it; our versions of one resource share a schema, so only apiVersion changes.
    private static JsonObject? Versioned(JsonObject? obj, string? apiVersion, string kind)
    {
        if (obj is null)
        {
            return null;
        }

        var copy = (JsonObject)obj.DeepClone();
        if (apiVersion is not null)
        {
            copy["apiVersion"] = apiVersion;
            copy["kind"] = kind;
        }

        return copy;
    }

    private static JsonObject UserInfo(Kube.Server.UserInfo user)
    {
        var info = new JsonObject { ["username"] = user.Name };
        if (!string.IsNullOrEmpty(user.Uid))
        {
            info["uid"] = user.Uid;
        }

        info["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode?)JsonValue.Create(g))]);
        if (user.Extra.Count > 0)
        {
            var extra = new JsonObject();
            foreach (var (key, values) in user.Extra)
            {
                extra[key] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
            }

            info["extra"] = extra;
        }

        return info;
    }

    private static JsonObject Gvk(string group, string version, string kind) =>
        new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonObject Gvr(string group, string version, string resource) =>
        new() { ["group"] = group, ["version"] = version, ["resource"] = resource };
}
