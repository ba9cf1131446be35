using System.Net;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// A kubeconfig cluster's <c>proxy-url</c> as the handler's proxy: every request goes through it, loopback and
/// NO_PROXY included (client-go's proxy-url overrides the environment's proxy settings). User and password in the URL
/// become the proxy's credentials.
/// </summary>
internal sealed class KubeProxy : IWebProxy
{
    private readonly Uri _proxy;

    public KubeProxy(Uri proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        if (!string.IsNullOrEmpty(proxy.UserInfo))
        {
            var parts = proxy.UserInfo.Split(':', 2);
            Credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
        }

        _proxy = new UriBuilder(proxy) { UserName = "", Password = "" }.Uri;
    }

    public ICredentials? Credentials { get; set; }

    public Uri GetProxy(Uri destination) => _proxy;

    public bool IsBypassed(Uri host) => false;
}
