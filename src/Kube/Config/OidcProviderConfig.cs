namespace Clusterpedia.Kube.Config;

/// <summary>A kubeconfig user's <c>auth-provider: oidc</c> settings (client-go's oidc plugin), with the issuer's CA resolved to PEM.</summary>
public sealed record OidcProviderConfig(
    Uri IssuerUrl,
    string ClientId,
    string? ClientSecret,
    string? IdToken,
    string? RefreshToken,
    string? IssuerCertificateAuthorityPem);
