using System.Net;
using System.Net.Sockets;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.Kube.Config;

/// <summary>
/// The configuration a pod has without a kubeconfig, as client-go's <c>rest.InClusterConfig</c>: the API server at
/// <c>https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT</c>, the pod's ServiceAccount token (a projected token
/// the kubelet rotates, so it is re-read through <see cref="FileTokenSource"/>) and the cluster CA, both from the
/// ServiceAccount directory every pod mounts.
/// </summary>
public sealed class InClusterConfig
{
    /// <summary>Where the kubelet mounts the pod's ServiceAccount token, CA and namespace.</summary>
    public const string DefaultDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public const string ServiceHostVariable = "KUBERNETES_SERVICE_HOST";
    public const string ServicePortVariable = "KUBERNETES_SERVICE_PORT";

    /// <summary>The ServiceAccount directory (token, ca.crt, namespace); tests point it elsewhere.</summary>
    public string Directory { get; init; } = DefaultDirectory;

    /// <summary>Reads an environment variable; the process environment unless a test gives its own.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Clock of the token file re-reads.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Whether this process runs in a pod: both service variables are set (client-go's test, ErrNotInCluster otherwise).</summary>
    public bool IsAvailable =>
        !string.IsNullOrEmpty(Environment(ServiceHostVariable)) && !string.IsNullOrEmpty(Environment(ServicePortVariable));

    public string TokenPath => Path.Combine(Directory, "token");

    public string CertificateAuthorityPath => Path.Combine(Directory, "ca.crt");

    /// <summary>The pod's namespace from the ServiceAccount directory; null when the file is absent or empty.</summary>
    public string? ReadNamespace()
    {
        var path = Path.Combine(Directory, "namespace");
        return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } ns ? ns : null;
    }

    /// <summary>Options for the cluster this pod runs in; the token is read once now (a missing one fails here) and again whenever it is rotated.</summary>
    /// <exception cref="FormatException">Not in a cluster (a service variable unset or invalid), or the token cannot be read.</exception>
    public async Task<KubeClientOptions> ToOptionsAsync(CancellationToken cancellationToken)
    {
        var host = Environment(ServiceHostVariable);
        var port = Environment(ServicePortVariable);
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new FormatException($"in-cluster configuration: {ServiceHostVariable} and {ServicePortVariable} must be set (they are in every pod); outside a cluster give a kubeconfig");
        }

        if (!ushort.TryParse(port, out var portNumber) || portNumber == 0)
        {
            throw new FormatException($"in-cluster configuration: {ServicePortVariable} \"{port}\" is not a port number");
        }

        // An IPv6 service address needs brackets in a URL (Go's net.JoinHostPort).
        var authority = IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{host}]:{port}"
            : $"{host}:{port}";
        if (!Uri.TryCreate("https://" + authority, UriKind.Absolute, out var server))
        {
            throw new FormatException($"in-cluster configuration: {ServiceHostVariable} \"{host}\" is not a host name or address");
        }

        var token = new FileTokenSource(TokenPath, TimeProvider);
        try
        {
            if (await token.GetTokenAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                throw new FormatException($"in-cluster configuration: the ServiceAccount token file {TokenPath} is empty");
            }
        }
        catch (KubeConnectionException e)
        {
            token.Dispose();
            throw new FormatException($"in-cluster configuration: {e.Message}", e);
        }

        // As client-go: a CA file that is missing leaves the system trust store in charge rather than failing.
        var ca = File.Exists(CertificateAuthorityPath)
            ? await File.ReadAllTextAsync(CertificateAuthorityPath, cancellationToken).ConfigureAwait(false)
            : null;
        return new KubeClientOptions
        {
            Server = server,
            CertificateAuthorityPem = string.IsNullOrWhiteSpace(ca) ? null : ca,
            BearerTokenSource = token,
        };
    }
}
