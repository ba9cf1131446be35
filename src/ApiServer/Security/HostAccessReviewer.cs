using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Hosted mode: the host decides, by a SubjectAccessReview posted with the server's own credentials (its
/// ServiceAccount needs system:auth-delegator), as kube's delegated authorization does. Answers are cached: an allow
/// for <see cref="SecurityOptions.AllowCacheTtl"/>, a deny for <see cref="SecurityOptions.DenyCacheTtl"/>. When the
/// host cannot be asked the answer is no, and is not cached.
/// </summary>
internal sealed partial class HostAccessReviewer(HostApi host, IOptions<SecurityOptions> options, TimeProvider time, ILogger<HostAccessReviewer> logger)
    : IAccessReviewer
{
    private readonly TtlCache<string, bool> _cache = new(time, options.Value.ReviewCacheCapacity);

    /// <summary>Answers cached now (for tests of the bound).</summary>
    internal int CachedCount => _cache.Count;

    public async ValueTask<bool> IsAllowedAsync(UserInfo user, AccessAttributes attributes, CancellationToken cancellationToken)
    {
        var review = ReviewJson.SubjectAccessReview(user, attributes);
        var key = review["spec"]!.ToJsonString();
        if (_cache.TryGet(key, out var cached))
        {
            return cached;
        }

        JsonNode? answer;
        try
        {
            answer = await host.PostAsync("/apis/authorization.k8s.io/v1/subjectaccessreviews", review, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Kube.Client.KubeApiException or Kube.Client.KubeConnectionException or HttpRequestException
            or System.Text.Json.JsonException or IOException or FormatException)
        {
            LogReviewFailed(logger, e.Message);
            return false;
        }

        var allowed = answer?["status"]?["allowed"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;
        _cache.Set(key, allowed, allowed ? options.Value.AllowCacheTtl : options.Value.DenyCacheTtl);
        return allowed;
    }

    [LoggerMessage(EventId = 25, Level = LogLevel.Warning, Message = "SubjectAccessReview to the host failed ({Problem}); the request is refused")]
    private static partial void LogReviewFailed(ILogger logger, string problem);
}
