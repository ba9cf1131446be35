namespace Clusterpedia.ApiServer.Tests.PerUser;

/// <summary>A clock the test moves by hand, so the RBAC refresh delay is crossed without waiting.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
