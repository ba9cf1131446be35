namespace Clusterpedia.KubeSim.Security;

/// <summary>An authenticator of bare bearer tokens, so TokenReview checks a token exactly as a request's would be.</summary>
internal interface ITokenAuthenticator
{
    AuthenticationResult AuthenticateToken(string token, IReadOnlyList<string> audiences);
}
