using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Decides whether a user may do something on our API (the host's SubjectAccessReview in hosted mode, our own policy in
/// standalone mode). One question for every caller: the request filter (403) and the PediaCluster API (may this user
/// update PediaClusters, and so see their credentials).
/// </summary>
internal interface IAccessReviewer
{
    ValueTask<bool> IsAllowedAsync(UserInfo user, AccessAttributes attributes, CancellationToken cancellationToken);
}
