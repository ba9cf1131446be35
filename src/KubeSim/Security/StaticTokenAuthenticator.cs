using System.Security.Cryptography;
using System.Text;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.KubeSim.Security;

/// <summary>
/// Bearer tokens known in advance: the token file's entries and the legacy single <c>Token</c> option, which belongs
/// to the cluster's administrator (kubernetes-admin in system:masters, like kubeadm's admin.conf).
/// </summary>
internal sealed class StaticTokenAuthenticator : IRequestAuthenticator, ITokenAuthenticator
{
    private readonly Dictionary<string, UserInfo> _users;

    public StaticTokenAuthenticator(Dictionary<string, UserInfo> users)
    {
        _users = users;
    }

    public static StaticTokenAuthenticator FromOptions(SimulatorOptions options)
    {
        var users = options.TokenAuthFile is { Length: > 0 } path ? TokenFile.Load(path) : new Dictionary<string, UserInfo>(StringComparer.Ordinal);
        if (options.Token is { Length: > 0 } token)
        {
            users[token] = UserInfo.Authenticated("kubernetes-admin", null, [Rbac.Authorizer.MastersGroup]);
        }

        return new StaticTokenAuthenticator(users);
    }

    public bool IsEmpty => _users.Count == 0;

    public AuthenticationResult Authenticate(HttpContext context) =>
        BearerToken.From(context) is { } token ? AuthenticateToken(token, []) : AuthenticationResult.None;

    /// <summary>Static tokens carry no audience: they are valid for any.</summary>
    public AuthenticationResult AuthenticateToken(string token, IReadOnlyList<string> audiences)
    {
        var presented = Encoding.UTF8.GetBytes(token);
        foreach (var (known, user) in _users)
        {
            // Compared in constant time so the answer's timing says nothing about how close a guess was.
            if (CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(known)))
            {
                return AuthenticationResult.Success(user);
            }
        }

        return AuthenticationResult.None;
    }
}
