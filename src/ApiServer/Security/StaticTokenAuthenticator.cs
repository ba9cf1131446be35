using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Security;

/// <summary>Tokens of the static token file (standalone mode).</summary>
internal sealed class StaticTokenAuthenticator(IReadOnlyDictionary<string, UserInfo> users) : ITokenAuthenticator
{
    public ValueTask<UserInfo?> AuthenticateAsync(string token, CancellationToken cancellationToken) =>
        ValueTask.FromResult(users.TryGetValue(token, out var user) ? user : null);
}
