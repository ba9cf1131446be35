namespace Clusterpedia.Bench.Clients;

/// <summary>
/// The core group has no <c>/apis/&lt;group&gt;</c> prefix, so KubernetesClient's CustomObjects operations with group
/// "" ask for <c>/apis//v1/...</c>; this handler sends them to <c>/api/v1/...</c> (what its GenericClient does too).
/// </summary>
internal sealed class CoreGroupHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        if (uri.AbsolutePath.StartsWith("/apis//", StringComparison.Ordinal))
        {
            request.RequestUri = new UriBuilder(uri) { Path = "/api/" + uri.AbsolutePath["/apis//".Length..] }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
