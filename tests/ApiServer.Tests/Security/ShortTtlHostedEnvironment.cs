namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// <see cref="HostedSecurityEnvironment"/> with the bounds under test made short: review caches of 2 s and 50 answers,
/// the host's extension-apiserver-authentication ConfigMap read every second.
/// </summary>
public sealed class ShortTtlHostedEnvironment : HostedSecurityEnvironment
{
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan ConfigRefresh = TimeSpan.FromSeconds(1);
    public const int CacheCapacity = 50;

    protected override IEnumerable<string> ExtraServerArguments =>
    [
        "--Security:TokenReviewCacheTtl", "00:00:02",
        "--Security:AllowCacheTtl", "00:00:02",
        "--Security:DenyCacheTtl", "00:00:02",
        "--Security:AuthenticationConfigRefresh", "00:00:01",
        "--Security:ReviewCacheCapacity", "50",
    ];
}
