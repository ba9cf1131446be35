using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Security;

/// <summary>Allows everything: the reviewer of a server running without authentication or authorization.</summary>
internal sealed class AllowAllAccessReviewer : IAccessReviewer
{
    public ValueTask<bool> IsAllowedAsync(UserInfo user, AccessAttributes attributes, CancellationToken cancellationToken) => ValueTask.FromResult(true);
}
