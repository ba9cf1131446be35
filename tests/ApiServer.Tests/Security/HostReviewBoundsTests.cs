using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Security;
using Clusterpedia.Kube;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// The documented bounds of what the server learns from the host, end to end with short settings: a revoked (and
/// restored) host permission counts once the SubjectAccessReview cache's TTL passed, a flood of distinct bogus tokens
/// leaves the TokenReview cache within its capacity, and a front-proxy CA rotated in the host's
/// extension-apiserver-authentication ConfigMap is followed within the refresh interval (the new proxy certificate
/// accepted, the old one refused).
/// </summary>
public sealed class HostReviewBoundsTests(ShortTtlHostedEnvironment env) : IClassFixture<ShortTtlHostedEnvironment>
{
    private const string _deployments = "/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments";
    private static readonly GroupVersionResource _configMaps = new(string.Empty, "v1", "configmaps");

    // The TTL or refresh interval plus room for a loaded machine (TokenReview, SubjectAccessReview and sync round trips).
    private static readonly TimeSpan _slack = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task SubjectAccessReview_HostBindingRevokedThenRestored_FollowedWithinTheTtl()
    {
        using var admin = await env.HostKubectlAsync("host-admin-token", search: false);
        (await DirectAsync(HostedSecurityEnvironment.ViewerToken)).ShouldBe(200);
        var bound = ShortTtlHostedEnvironment.CacheTtl + _slack;

        var stopwatch = Stopwatch.StartNew();
        await admin.OkAsync("delete", "clusterrolebinding", "viewer-clusterpedia-search");
        TimeSpan revoked;
        try
        {
            await Eventually.UntilAsync(async () => await DirectAsync(HostedSecurityEnvironment.ViewerToken) == 403, bound,
                "the viewer to be refused once the host revoked its ClusterRoleBinding and the allow TTL passed");
            revoked = stopwatch.Elapsed;
        }
        finally
        {
            stopwatch.Restart();
            await admin.OkAsync("create", "clusterrolebinding", "viewer-clusterpedia-search", "--clusterrole", "clusterpedia-search", "--user", "viewer");
        }

        await Eventually.UntilAsync(async () => await DirectAsync(HostedSecurityEnvironment.ViewerToken) == 200, bound,
            "the viewer to be served again once the host restored its ClusterRoleBinding and the deny TTL passed");
        stopwatch.Elapsed.ShouldBeLessThan(bound);
        revoked.ShouldBeLessThan(bound);
    }

    [Fact]
    public async Task TokenReview_ManyDistinctBogusTokens_AllRefusedAndTheCacheStaysWithinItsCapacity()
    {
        var authenticator = (TokenReviewAuthenticator)env.Server.Services.GetRequiredService<ITokenAuthenticator>();
        var codes = new List<int>();
        for (var batch = 0; batch < 10; batch++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => DirectAsync($"hostile-{batch}-{i}-{Guid.NewGuid():N}")));
            codes.AddRange(answers);
            authenticator.CachedCount.ShouldBeLessThanOrEqualTo(ShortTtlHostedEnvironment.CacheCapacity + 20, "at most the capacity plus the writers of one burst");
        }

        codes.Count.ShouldBe(200);
        codes.ShouldAllBe(c => c == 401);
        (await DirectAsync(HostedSecurityEnvironment.ViewerToken)).ShouldBe(200);
    }

    [Fact]
    public async Task RequestHeaderCa_RotatedInTheHostConfigMap_NewProxyAcceptedOldRefusedWithinTheRefresh()
    {
        var rotated = ProxyCertificateAuthority.Create();
        var original = RequestHeaderCa();
        (await AsProxyAsync(rotated.ProxyCertificate)).ShouldBe(401, "a certificate of a CA the host has not published yet");
        var bound = ShortTtlHostedEnvironment.ConfigRefresh + _slack;

        var stopwatch = Stopwatch.StartNew();
        SetRequestHeaderCa(rotated.CaPem);
        try
        {
            await Eventually.UntilAsync(async () => await AsProxyAsync(rotated.ProxyCertificate) == 200, bound,
                "the new front-proxy certificate to be accepted after the host's ConfigMap named its CA");
            stopwatch.Elapsed.ShouldBeLessThan(bound);

            // The host still proxies with its old front-proxy certificate, whose CA is no longer the requestheader CA: the
            // request is refused (401), or, once the host's availability check was refused too, not proxied at all (503).
            var throughHost = 0;
            await Eventually.UntilAsync(async () => (throughHost = await ThroughHostAsync(HostedSecurityEnvironment.ViewerToken)) is 401 or 503, bound,
                () => Task.FromResult($"the host's old front-proxy certificate to be refused; the host answered {throughHost}"));
        }
        finally
        {
            SetRequestHeaderCa(original);
        }

        await Eventually.UntilAsync(async () => await AsProxyAsync(rotated.ProxyCertificate) == 401, bound, "the rotated CA to be dropped again");
        await Eventually.UntilAsync(async () => await ThroughHostAsync(HostedSecurityEnvironment.ViewerToken) == 200, bound, "the host's proxy to be accepted again");
    }

    private string RequestHeaderCa() =>
        env.Host.Store.Get(_configMaps, "kube-system", "extension-apiserver-authentication")!["data"]!["requestheader-client-ca-file"]!.GetValue<string>();

    private void SetRequestHeaderCa(string pem) =>
        env.Host.Store.Update(_configMaps, "kube-system", "extension-apiserver-authentication", configMap =>
        {
            configMap["data"]!["requestheader-client-ca-file"] = JsonValue.Create(pem);
            return configMap;
        });

    private async Task<int> DirectAsync(string token)
    {
        using var http = env.DirectHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Server.Url, _deployments));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    private async Task<int> AsProxyAsync(X509Certificate2 proxyCertificate)
    {
        using var http = env.DirectHttp(proxyCertificate);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Server.Url, _deployments));
        request.Headers.Add("X-Remote-User", "viewer");
        request.Headers.Add("X-Remote-Group", "system:authenticated");
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    private async Task<int> ThroughHostAsync(string token)
    {
        using var http = TrustingHttp.Create(env.Host.CaCertificatePem!);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Host.Url, _deployments));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }
}
