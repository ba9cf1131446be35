using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Standalone mode's fixed policy (there is no host to ask): members of <c>system:masters</c> may do everything;
/// every other authenticated user may read (get, list, watch) every resource (search, collection resources,
/// PediaClusters, ClusterSyncResources) and GET every non-resource path (discovery, /version, /openapi), and change
/// nothing. Anyone, anonymous included, may GET /version and the health paths (kube's system:public-info-viewer).
/// Groups come from the token file's fourth column or a client certificate's O.
/// </summary>
internal sealed class StaticPolicyReviewer : IAccessReviewer
{
    public const string MastersGroup = "system:masters";

    private static readonly HashSet<string> _readVerbs = new(StringComparer.Ordinal) { "get", "list", "watch" };

    public ValueTask<bool> IsAllowedAsync(UserInfo user, AccessAttributes attributes, CancellationToken cancellationToken)
    {
        if (user.Groups.Contains(MastersGroup))
        {
            return ValueTask.FromResult(true);
        }

        if (attributes.NonResourcePath is "/version" or "/version/" or "/healthz" or "/livez" or "/readyz" && attributes.Verb is "get" or "head")
        {
            return ValueTask.FromResult(true);
        }

        var authenticated = user.Groups.Contains(UserInfo.AuthenticatedGroup);
        return ValueTask.FromResult(authenticated && _readVerbs.Contains(attributes.Verb));
    }
}
