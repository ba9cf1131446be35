using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Security;

/// <summary>Who a bearer token belongs to; null when the token is not valid.</summary>
internal interface ITokenAuthenticator
{
    ValueTask<UserInfo?> AuthenticateAsync(string token, CancellationToken cancellationToken);
}
