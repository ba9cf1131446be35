using Clusterpedia.Kube.Server;
namespace Clusterpedia.KubeSim.Security;

/// <summary>
/// What one authenticator made of a request: a user, credentials it owns that are invalid (the request gets 401, as
/// kube-apiserver answers a bad token even when anonymous requests are allowed), or nothing of its kind.
/// </summary>
internal readonly record struct AuthenticationResult(UserInfo? User, bool Invalid)
{
    public static AuthenticationResult None => default;

    public static AuthenticationResult Rejected => new(null, true);

    public static AuthenticationResult Success(UserInfo user) => new(user, false);
}
