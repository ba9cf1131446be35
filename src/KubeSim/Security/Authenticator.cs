using Clusterpedia.Kube.Server;
namespace Clusterpedia.KubeSim.Security;

/// <summary>
/// kube-apiserver's authentication chain: the authenticators in order (client certificate, request header, bearer
/// tokens...), the first user found wins; credentials presented but recognised by nobody get 401; a request without
/// credentials is anonymous where anonymous requests are allowed. Adding an authenticator is one line in
/// <see cref="SimulatedCluster"/>.
/// </summary>
internal sealed class Authenticator
{
    private readonly IReadOnlyList<IRequestAuthenticator> _chain;
    private readonly Func<string, bool> _anonymousAllowed;

    /// <param name="chain">Authenticators in order; empty means authentication is off and everyone is anonymous.</param>
    /// <param name="anonymousAllowed">For a path, whether a request without credentials goes on as system:anonymous.</param>
    public Authenticator(IReadOnlyList<IRequestAuthenticator> chain, Func<string, bool> anonymousAllowed)
    {
        _chain = chain;
        _anonymousAllowed = anonymousAllowed;
    }

    /// <summary>False when authentication is off (no credentials configured): every request is anonymous and allowed.</summary>
    public bool Enabled => _chain.Count > 0;

    /// <summary>The user of the request, or null for 401.</summary>
    public UserInfo? Authenticate(HttpContext context)
    {
        if (!Enabled)
        {
            return UserInfo.AnonymousUser;
        }

        var rejected = false;
        foreach (var authenticator in _chain)
        {
            var result = authenticator.Authenticate(context);
            if (result.User is { } user)
            {
                return user;
            }

            rejected |= result.Invalid;
        }

        // A bearer token nobody recognises is an invalid credential, never an anonymous request.
        rejected |= BearerToken.From(context) is not null;
        return !rejected && _anonymousAllowed(context.Request.Path.Value ?? "/") ? UserInfo.AnonymousUser : null;
    }

    /// <summary>The user of a bare bearer token (TokenReview), through the same token authenticators.</summary>
    public UserInfo? AuthenticateToken(string token, IReadOnlyList<string> audiences)
    {
        foreach (var authenticator in _chain.OfType<ITokenAuthenticator>())
        {
            if (authenticator.AuthenticateToken(token, audiences) is { User: { } user })
            {
                return user;
            }
        }

        return null;
    }
}
