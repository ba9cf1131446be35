namespace Clusterpedia.KubeSim.Security;

/// <summary>One link of the authentication chain (client certificate, request header, bearer token...).</summary>
internal interface IRequestAuthenticator
{
    AuthenticationResult Authenticate(HttpContext context);
}
