namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Serving, authentication and authorization settings (section <c>Security</c>), named after the flags of kube's
/// generic apiserver (SecureServingOptions, DelegatingAuthenticationOptions, DelegatingAuthorizationOptions).
/// Hosted mode (<c>Synchro:HostKubeconfig</c> set) delegates tokens and access decisions to the host; standalone mode
/// uses <see cref="TokenAuthFile"/> and the static policy of <see cref="StaticPolicyReviewer"/>.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Serve plain HTTP (no TLS). Local experiments only; a warning is logged.</summary>
    public bool InsecureHttp { get; set; }

    /// <summary>No authentication and no authorization: every request is served. Local experiments and tests only.</summary>
    public bool InsecureSkipAuth { get; set; }

    /// <summary>Serving certificate (PEM, may hold the chain); reloaded when the file changes.</summary>
    public string? TlsCertFile { get; set; }

    /// <summary>Serving private key (PEM) of <see cref="TlsCertFile"/>.</summary>
    public string? TlsPrivateKeyFile { get; set; }

    /// <summary>Where a self-signed pair is generated when no certificate is given; default <c>certs</c> next to the database.</summary>
    public string? CertDir { get; set; }

    /// <summary>CA bundle (PEM) for client certificates: CN is the user, O the groups.</summary>
    public string? ClientCaFile { get; set; }

    /// <summary>kube-apiserver's static token file: <c>token,user,uid,"group1,group2"</c> per line.</summary>
    public string? TokenAuthFile { get; set; }

    /// <summary>CA bundle (PEM) of the front proxy's client certificate; when set, the requestheader flags are used instead of the host's ConfigMap.</summary>
    public string? RequestHeaderClientCaFile { get; set; }

    /// <summary>Common names accepted for the front proxy's certificate (comma-separated); empty: any certificate of the CA.</summary>
    public string? RequestHeaderAllowedNames { get; set; }

    public string RequestHeaderUsernameHeaders { get; set; } = "X-Remote-User";

    public string RequestHeaderGroupHeaders { get; set; } = "X-Remote-Group";

    public string RequestHeaderExtraHeadersPrefix { get; set; } = "X-Remote-Extra-";

    /// <summary>How long a TokenReview answer of the host is reused (kube: --authentication-token-webhook-cache-ttl, 10s).</summary>
    public TimeSpan TokenReviewCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an allowing SubjectAccessReview answer is reused (kube: --authorization-webhook-cache-authorized-ttl, 10s).</summary>
    public TimeSpan AllowCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a denying SubjectAccessReview answer is reused (kube: --authorization-webhook-cache-unauthorized-ttl, 10s).</summary>
    public TimeSpan DenyCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most answers each review cache (TokenReview, SubjectAccessReview) holds; when full, expired answers are dropped,
    /// then all of them. Bounds the memory a flood of distinct tokens or users can take (0 or less: one answer).
    /// </summary>
    public int ReviewCacheCapacity { get; set; } = 10_000;

    /// <summary>How often the host's kube-system/extension-apiserver-authentication ConfigMap is read again.</summary>
    public TimeSpan AuthenticationConfigRefresh { get; set; } = TimeSpan.FromSeconds(30);

    internal static IReadOnlyList<string> SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
