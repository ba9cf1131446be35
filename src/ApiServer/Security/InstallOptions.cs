namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Installed into a host cluster (section <c>Install</c>): where the serving certificate is kept and which registrations
/// carry its CA. Each is off when empty. See docs/security.md ("Serving certificate in a host cluster").
/// </summary>
public sealed class InstallOptions
{
    public const string Section = "Install";

    /// <summary>
    /// The Secret (kubernetes.io/tls with ca.crt) the server serves from when no --tls-cert-file is given: read, or
    /// created with a generated CA and serving certificate when absent. Needs hosted mode (--host-kubeconfig).
    /// </summary>
    public string CertSecret { get; set; } = "";

    /// <summary>The APIService whose spec.caBundle is set to the serving CA, e.g. v1beta1.clusterpedia.io.</summary>
    public string ApiService { get; set; } = "";

    /// <summary>The Validating- and MutatingWebhookConfiguration (same name) whose webhooks get the serving CA as caBundle.</summary>
    public string WebhookConfiguration { get; set; } = "";

    /// <summary>The Service in front of the server: the generated certificate is for &lt;service&gt;.&lt;namespace&gt;.svc.</summary>
    public string ServiceName { get; set; } = "clusterpedia-apiserver";
}
