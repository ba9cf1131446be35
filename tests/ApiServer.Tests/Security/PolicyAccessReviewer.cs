using Clusterpedia.ApiServer.Security;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// A real reviewer with a fixed policy, standing in for the one authorization will bring: everybody may do
/// everything except update pediaclusters, which only the named users may.
/// </summary>
internal sealed class PolicyAccessReviewer(params string[] updaters) : IAccessReviewer
{
    public ValueTask<bool> IsAllowedAsync(UserInfo user, AccessAttributes attributes, CancellationToken cancellationToken) =>
        ValueTask.FromResult(attributes is not { Verb: "update", Resource: "pediaclusters" } || updaters.Contains(user.Name));
}
