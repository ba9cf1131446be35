using System.Globalization;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim.Http;
using Clusterpedia.KubeSim.Security;

namespace Clusterpedia.KubeSim.Reviews;

// authentication.k8s.io: TokenReview, SelfSubjectReview, and the TokenRequest that issues ServiceAccount tokens.
internal sealed partial class ReviewHandler
{
    private const long _minExpirationSeconds = 600;
    private const long _maxExpirationSeconds = 1L << 32;
    private const long _defaultExpirationSeconds = 3600;

    private JsonObject TokenReview(HttpContext context, ResourceRequest request, JsonObject body)
    {
        var token = Text(body["spec"], "token") ?? string.Empty;
        if (token.Length == 0)
        {
            throw Invalid(request, string.Empty, "spec.token", "Required value: token is required");
        }

        var audiences = Strings(body["spec"], "audiences");
        var user = _security.Authenticator.AuthenticateToken(token, audiences);
        var status = new JsonObject();
        if (user is null)
        {
            status["user"] = new JsonObject();
            status["error"] = "invalid bearer token";
        }
        else
        {
            status["authenticated"] = true;
            status["user"] = UserJson(user);
            status["audiences"] = Array(audiences.Count == 0 ? [ServiceAccountTokens.Issuer] : audiences);
        }

        // The spec comes back as sent, token included, as kube-apiserver answers.
        return Reply(request, body, status);
    }

    private JsonObject SelfSubjectReview(HttpContext context, ResourceRequest request, JsonObject body)
    {
        var reply = Reply(request, body, new JsonObject { ["userInfo"] = UserJson(RequestUser.Get(context)) });
        reply.Remove("spec");
        return reply;
    }

    private JsonObject TokenRequest(HttpContext context, ResourceRequest request, JsonObject body)
    {
        var ns = request.Namespace!;
        var name = request.Name!;
        var spec = body["spec"] as JsonObject ?? new JsonObject();
        var seconds = _defaultExpirationSeconds;
        if (spec["expirationSeconds"] is JsonValue value)
        {
            if (!value.TryGetValue<long>(out seconds))
            {
                throw SimulatorApiException.Invalid("authentication.k8s.io", "TokenRequest", name, "spec.expirationSeconds", $"Invalid value: {value.ToJsonString()}: must be an integer");
            }

            if (seconds < _minExpirationSeconds)
            {
                throw SimulatorApiException.Invalid("authentication.k8s.io", "TokenRequest", name, "spec.expirationSeconds",
                    $"Invalid value: {seconds}: may not specify a duration less than 10 minutes");
            }

            if (seconds > _maxExpirationSeconds)
            {
                throw SimulatorApiException.Invalid("authentication.k8s.io", "TokenRequest", name, "spec.expirationSeconds",
                    $"Invalid value: {seconds}: may not specify a duration larger than 2^32 seconds");
            }
        }

        var account = _store.Get(ServiceAccountTokens.ServiceAccounts, ns, name) ?? throw SimulatorApiException.NotFound(string.Empty, "serviceaccounts", name);
        var uid = Text(account["metadata"], "uid") ?? string.Empty;
        var audiences = Strings(spec, "audiences");
        if (audiences.Count == 0)
        {
            audiences = [ServiceAccountTokens.Issuer];
        }

        var (token, expires) = _security.ServiceAccountTokens.Issue(ns, name, uid, audiences, TimeSpan.FromSeconds(seconds));
        spec["audiences"] = Array(audiences);
        spec["expirationSeconds"] = seconds;
        spec["boundObjectRef"] ??= null;
        body["spec"] = spec;
        body["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["creationTimestamp"] = _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        var reply = Reply(request, body, new JsonObject
        {
            ["token"] = token,
            ["expirationTimestamp"] = expires.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        }, kind: "TokenRequest");
        // The subresource answers in its own group, whatever the parent resource's is.
        reply["apiVersion"] = "authentication.k8s.io/v1";
        return reply;
    }
}
