using Clusterpedia.ApiServer.Security;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>The cache of TokenReview and SubjectAccessReview answers: an answer lives exactly its TTL.</summary>
public sealed class TtlCacheTests
{
    [Fact]
    public void TryGet_WithinAndAfterTtl_HitThenMiss()
    {
        var time = new SteppedTime();
        var cache = new TtlCache<string, bool>(time);
        cache.Set("allow", true, TimeSpan.FromSeconds(10));
        cache.Set("deny", false, TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(1));
        cache.TryGet("allow", out var allowed).ShouldBeTrue();
        allowed.ShouldBeTrue();
        cache.TryGet("deny", out var denied).ShouldBeTrue();
        denied.ShouldBeFalse();

        time.Advance(TimeSpan.FromSeconds(2));
        cache.TryGet("deny", out _).ShouldBeFalse();
        cache.TryGet("allow", out _).ShouldBeTrue();

        time.Advance(TimeSpan.FromSeconds(8));
        cache.TryGet("allow", out _).ShouldBeFalse();
    }

    [Fact]
    public void Set_ZeroTtl_NotCached()
    {
        var cache = new TtlCache<string, bool>(new SteppedTime());

        cache.Set("k", true, TimeSpan.Zero);

        cache.TryGet("k", out _).ShouldBeFalse();
    }

    private sealed class SteppedTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
