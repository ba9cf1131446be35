using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Config;

namespace Clusterpedia.Ctl;

/// <summary>
/// The server pediactl talks to, found as kubectl finds one: the kubeconfig from --kubeconfig, else the first file
/// of $KUBECONFIG, else ~/.kube/config; the context from --context, else the current one; its user's credentials.
/// The server is the root of our API (not the search path): the cluster named by --cluster, else the kubeconfig's
/// <c>clusterpedia-direct</c> cluster when it has one (hack/local-up.sh writes it), else the context's cluster.
/// </summary>
internal sealed record CtlConnection(string? KubeconfigPath, string? Context, string? Cluster)
{
    public const string DirectCluster = "clusterpedia-direct";

    public async Task<KubeClient> ConnectAsync(CancellationToken ct)
    {
        var path = KubeconfigPath;
        if (string.IsNullOrEmpty(path))
        {
            var env = Environment.GetEnvironmentVariable("KUBECONFIG");
            path = string.IsNullOrEmpty(env)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")
                : env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)[0];
        }

        if (!File.Exists(path))
        {
            throw new CtlException($"the kubeconfig file \"{path}\" does not exist (--kubeconfig or KUBECONFIG)");
        }

        Kubeconfig config;
        KubeClientOptions options;
        try
        {
            config = await Kubeconfig.LoadFileAsync(path, ct).ConfigureAwait(false);
            options = await config.ToOptionsAsync(Context, ct).ConfigureAwait(false);
            var cluster = Cluster ?? (config.ClusterNames.Contains(DirectCluster) ? DirectCluster : null);
            if (cluster is not null)
            {
                var server = await config.ClusterOptionsAsync(cluster, ct).ConfigureAwait(false);
                options = new KubeClientOptions
                {
                    Server = server.Server,
                    CertificateAuthorityPem = server.CertificateAuthorityPem,
                    InsecureSkipTlsVerify = server.InsecureSkipTlsVerify,
                    TlsServerName = server.TlsServerName,
                    BearerToken = options.BearerToken,
                    ClientCertificatePem = options.ClientCertificatePem,
                    ClientKeyPem = options.ClientKeyPem,
                    MaxRetryAttempts = 1,
                    UserAgent = "pediactl",
                };
            }
            else
            {
                options = new KubeClientOptions
                {
                    Server = options.Server,
                    CertificateAuthorityPem = options.CertificateAuthorityPem,
                    InsecureSkipTlsVerify = options.InsecureSkipTlsVerify,
                    TlsServerName = options.TlsServerName,
                    BearerToken = options.BearerToken,
                    ClientCertificatePem = options.ClientCertificatePem,
                    ClientKeyPem = options.ClientKeyPem,
                    MaxRetryAttempts = 1,
                    UserAgent = "pediactl",
                };
            }
        }
        catch (FormatException e)
        {
            throw new CtlException(e.Message);
        }

        return new KubeClient(options);
    }
}
