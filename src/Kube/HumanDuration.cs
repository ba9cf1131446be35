using System.Globalization;

namespace Clusterpedia.Kube;

/// <summary>
/// Kubernetes' age formatting (<c>k8s.io/apimachinery/pkg/util/duration</c>): at most two units, truncated,
/// e.g. <c>45s</c>, <c>2m5s</c>, <c>179m</c>, <c>3h5m</c>, <c>2d5h</c>, <c>364d</c>, <c>2y15d</c>.
/// </summary>
public static class HumanDuration
{
    /// <summary>Formats like <c>duration.HumanDuration</c>: what kubectl prints in AGE columns.</summary>
    public static string Format(TimeSpan d)
    {
        // Up to 2 s of clock skew into the future reads as "now".
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{s}s");
        }

        if (minutes < 60 * 3)
        {
            return Invariant($"{minutes}m");
        }

        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Invariant($"{hours / 24}d") : Invariant($"{hours / 24}d{h}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{hours / 24}d");
        }

        if (hours < 24 * 365 * 8)
        {
            var days = hours / 24 % 365;
            return days == 0 ? Invariant($"{hours / 24 / 365}y") : Invariant($"{hours / 24 / 365}y{days}d");
        }

        return Invariant($"{hours / 24 / 365}y");
    }

    /// <summary>The coarser <c>duration.ShortHumanDuration</c> (one unit).</summary>
    public static string FormatShort(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = (long)d.TotalMinutes;
        if (minutes < 60)
        {
            return Invariant($"{minutes}m");
        }

        var hours = (long)d.TotalHours;
        if (hours < 24)
        {
            return Invariant($"{hours}h");
        }

        if (hours < 24 * 365)
        {
            return Invariant($"{hours / 24}d");
        }

        return Invariant($"{hours / 24 / 365}y");
    }

    /// <summary>
    /// <c>translateTimestampSince</c>: <c>&lt;unknown&gt;</c> for a missing (or zero) timestamp, else the age at <paramref name="now"/>.
    /// </summary>
    public static string Since(DateTimeOffset? timestamp, DateTimeOffset now) =>
        timestamp is not { } ts || ts == default ? "<unknown>" : Format(now - ts);

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
