using Clusterpedia.ApiServer.Admission;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Authentication then authorization for every request, as kube's generic apiserver filters: no valid credentials is
/// a 401 Status, except the health paths and /version (served to system:anonymous, as kube-apiserver's
/// system:public-info-viewer allows) and the admission webhooks (called by kube-apiserver without credentials); a request the reviewer refuses is a 403 Status in kube-apiserver's words. Health
/// paths are always allowed (kube's --authorization-always-allow-paths default). The user is set on the request
/// (<see cref="RequestUser"/>) for the handlers after this.
/// </summary>
internal sealed class SecurityMiddleware(RequestDelegate next, RequestAuthenticator authenticator, IAccessReviewer reviewer)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var user = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        if (user is null)
        {
            if (!IsHealth(path) && !IsAdmission(path) && path is not ("/version" or "/version/"))
            {
                throw new ApiException(401, "Unauthorized", "Unauthorized");
            }

            user = UserInfo.AnonymousUser;
        }

        RequestUser.Set(context, user);
        if (!IsHealth(path) && !IsAdmission(path))
        {
            var attributes = RequestAttributes.For(context.Request);
            if (!await reviewer.IsAllowedAsync(user, attributes, context.RequestAborted).ConfigureAwait(false))
            {
                throw Forbidden(user, attributes);
            }
        }

        await next(context).ConfigureAwait(false);
    }

    private static bool IsHealth(string path) =>
        path is "/healthz" or "/livez" or "/readyz"
        || path.StartsWith("/healthz/", StringComparison.Ordinal)
        || path.StartsWith("/livez/", StringComparison.Ordinal)
        || path.StartsWith("/readyz/", StringComparison.Ordinal);

    /// <summary>
    /// The admission webhooks: kube-apiserver calls them without credentials unless an admission kubeconfig says
    /// otherwise, and they only judge the object sent (nothing stored is read), so anyone may ask.
    /// </summary>
    private static bool IsAdmission(string path) =>
        path.TrimEnd('/') is AdmissionHandler.ValidatePath or AdmissionHandler.MutatePath;

    /// <summary>kube-apiserver's wording (responsewriters.Forbidden): the object, then who cannot do what where.</summary>
    public static ApiException Forbidden(UserInfo user, AccessAttributes a)
    {
        if (!a.IsResourceRequest)
        {
            return new ApiException(403, "Forbidden", $"forbidden: User \"{user.Name}\" cannot {a.Verb} path \"{a.NonResourcePath}\"");
        }

        var resource = a.Subresource.Length > 0 ? a.Resource + "/" + a.Subresource : a.Resource;
        var scope = a.Namespace.Length > 0 ? $"in the namespace \"{a.Namespace}\"" : "at the cluster scope";
        var what = a.Group.Length > 0 ? a.Resource + "." + a.Group : a.Resource;
        var subject = a.Name.Length > 0 ? $"{what} \"{a.Name}\"" : what;
        return new ApiException(403, "Forbidden",
            $"{subject} is forbidden: User \"{user.Name}\" cannot {a.Verb} resource \"{resource}\" in API group \"{a.Group}\" {scope}")
        {
            DetailsName = a.Name.Length > 0 ? a.Name : null,
            DetailsGroup = a.Group,
            DetailsKind = a.Resource,
        };
    }
}
