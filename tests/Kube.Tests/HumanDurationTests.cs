namespace Clusterpedia.Kube.Tests;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(-3, "<invalid>")]
    [InlineData(-2, "<invalid>")]
    [InlineData(-1.5, "0s")]
    [InlineData(-1, "0s")]
    [InlineData(-0.5, "0s")]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(125, "2m5s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(59 * 60, "59m")]
    [InlineData(179 * 60 + 59, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 5 * 60 + 30, "3h5m")]
    [InlineData(8 * 3600 - 1, "7h59m")]
    [InlineData(8 * 3600, "8h")]
    [InlineData(23 * 3600, "23h")]
    [InlineData(48 * 3600 - 1, "47h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(53 * 3600, "2d5h")]
    [InlineData(192 * 3600 - 1, "7d23h")]
    [InlineData(192 * 3600, "8d")]
    [InlineData(364 * 86400, "364d")]
    [InlineData(730 * 86400 - 1, "729d")]
    [InlineData(730 * 86400, "2y")]
    [InlineData(745 * 86400, "2y15d")]
    [InlineData(8 * 365 * 86400 - 1, "7y364d")]
    [InlineData(8 * 365 * 86400, "8y")]
    [InlineData(12 * 365 * 86400 + 100 * 86400, "12y")]
    public void Format_Duration_MatchesKubernetes(double seconds, string expected)
    {
        HumanDuration.Format(TimeSpan.FromSeconds(seconds)).ShouldBe(expected);
    }

    [Theory]
    [InlineData(59, "59s")]
    [InlineData(60, "1m")]
    [InlineData(3599, "59m")]
    [InlineData(3600, "1h")]
    [InlineData(86400, "1d")]
    [InlineData(365 * 86400, "1y")]
    [InlineData(-5, "<invalid>")]
    public void FormatShort_Duration_MatchesKubernetes(double seconds, string expected)
    {
        HumanDuration.FormatShort(TimeSpan.FromSeconds(seconds)).ShouldBe(expected);
    }

    [Fact]
    public void Since_MissingTimestamp_IsUnknown()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        HumanDuration.Since(null, now).ShouldBe("<unknown>");
        HumanDuration.Since(now.AddMinutes(-5), now).ShouldBe("5m");
    }
}
