using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Bearer tokens checked by the host (hosted mode): a TokenReview posted with the server's own credentials, as kube's
/// delegated authentication does; answers, valid and invalid, are cached for <see cref="SecurityOptions.TokenReviewCacheTtl"/>
/// under a hash of the token. When the host cannot be asked the request is refused (401) and nothing is cached.
/// </summary>
internal sealed partial class TokenReviewAuthenticator(HostApi host, IOptions<SecurityOptions> options, TimeProvider time, ILogger<TokenReviewAuthenticator> logger)
    : ITokenAuthenticator
{
    private readonly TtlCache<string, UserInfo?> _cache = new(time, options.Value.ReviewCacheCapacity);

    /// <summary>Answers cached now (for tests of the bound).</summary>
    internal int CachedCount => _cache.Count;

    public async ValueTask<UserInfo?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (_cache.TryGet(key, out var cached))
        {
            return cached;
        }

        var review = new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenReview",
            ["spec"] = new JsonObject { ["token"] = token },
        };
        JsonNode? answer;
        try
        {
            answer = await host.PostAsync("/apis/authentication.k8s.io/v1/tokenreviews", review, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Kube.Client.KubeApiException or Kube.Client.KubeConnectionException or HttpRequestException
            or System.Text.Json.JsonException or IOException or FormatException)
        {
            LogReviewFailed(logger, e.Message);
            return null;
        }

        var user = ReviewJson.User(answer?["status"]);
        _cache.Set(key, user, options.Value.TokenReviewCacheTtl);
        return user;
    }

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "TokenReview to the host failed ({Problem}); the request is refused")]
    private static partial void LogReviewFailed(ILogger logger, string problem);
}
