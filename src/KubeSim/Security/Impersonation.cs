using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Rbac;

namespace Clusterpedia.KubeSim.Security;

/// <summary>
/// kube-apiserver's impersonation filter: <c>Impersonate-User</c>, <c>-Group</c>, <c>-Uid</c> and <c>-Extra-*</c>
/// headers replace the request's user once the acting user is allowed the <c>impersonate</c> verb on each of them
/// (users, or serviceaccounts for a ServiceAccount user; groups; uids and userextras/&lt;key&gt; in authentication.k8s.io).
/// </summary>
internal static class Impersonation
{
    private const string _userHeader = "Impersonate-User";
    private const string _groupHeader = "Impersonate-Group";
    private const string _uidHeader = "Impersonate-Uid";
    private const string _extraPrefix = "Impersonate-Extra-";

    /// <summary>The user the request acts as: <paramref name="actor"/> itself, or whom it impersonates (403 when not allowed).</summary>
    public static UserInfo Apply(HttpContext context, UserInfo actor, Authorizer authorizer)
    {
        var headers = context.Request.Headers;
        var name = headers[_userHeader].ToString();
        var groups = headers[_groupHeader].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        var uid = headers[_uidHeader].ToString();
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (header, values) in headers)
        {
            if (header.StartsWith(_extraPrefix, StringComparison.OrdinalIgnoreCase) && header.Length > _extraPrefix.Length)
            {
                extra[Uri.UnescapeDataString(header[_extraPrefix.Length..].ToLowerInvariant())] = values.Select(v => v ?? string.Empty).ToList();
            }
        }

        if (name.Length == 0)
        {
            if (groups.Count > 0 || extra.Count > 0 || uid.Length > 0)
            {
                throw SimulatorApiException.BadRequest("requested impersonation of groups, uid or extra fields without impersonating a user: set Impersonate-User");
            }

            return actor;
        }

        Check(actor, authorizer, UserAttributes(actor, name));
        foreach (var group in groups)
        {
            Check(actor, authorizer, Attributes(actor, string.Empty, "groups", string.Empty, group));
        }

        if (uid.Length > 0)
        {
            Check(actor, authorizer, Attributes(actor, "authentication.k8s.io", "uids", string.Empty, uid));
        }

        foreach (var (key, values) in extra)
        {
            foreach (var value in values)
            {
                Check(actor, authorizer, Attributes(actor, "authentication.k8s.io", "userextras", key, value));
            }
        }

        if (groups.Count == 0 && ServiceAccount(name) is { } account)
        {
            groups.AddRange(["system:serviceaccounts", "system:serviceaccounts:" + account.Namespace]);
        }

        if (name == UserInfo.Anonymous)
        {
            if (!groups.Contains(UserInfo.UnauthenticatedGroup))
            {
                groups.Add(UserInfo.UnauthenticatedGroup);
            }
        }
        else if (!groups.Contains(UserInfo.AuthenticatedGroup) && !groups.Contains(UserInfo.UnauthenticatedGroup))
        {
            groups.Add(UserInfo.AuthenticatedGroup);
        }

        return new UserInfo(name, uid.Length == 0 ? null : uid, groups, extra);
    }

    private static void Check(UserInfo actor, Authorizer authorizer, RequestAttributes attributes)
    {
        if (!authorizer.Authorize(attributes).Allowed)
        {
            throw Authorizer.Forbidden(attributes);
        }
    }

    private static RequestAttributes UserAttributes(UserInfo actor, string name) =>
        ServiceAccount(name) is { } account
            ? Attributes(actor, string.Empty, "serviceaccounts", string.Empty, account.Name) with { Namespace = account.Namespace }
            : Attributes(actor, string.Empty, "users", string.Empty, name);

    private static RequestAttributes Attributes(UserInfo actor, string group, string resource, string subresource, string name) =>
        new(actor, "impersonate", true, string.Empty)
        {
            ApiGroup = group,
            Resource = resource,
            Subresource = subresource,
            Name = name,
        };

    private static (string Namespace, string Name)? ServiceAccount(string user)
    {
        if (!user.StartsWith(ServiceAccountTokens.UserPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = user[ServiceAccountTokens.UserPrefix.Length..].Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : null;
    }
}
