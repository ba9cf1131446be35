namespace Clusterpedia.ApiServer.Security;

/// <summary>The certificate-based parts of authentication at one moment: the client CA and the front proxy's settings.</summary>
internal sealed record AuthenticationConfig(ClientCertificates? ClientCa, RequestHeaderConfig? RequestHeader)
{
    public static AuthenticationConfig None { get; } = new(null, null);
}
