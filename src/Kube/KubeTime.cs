using System.Globalization;
using System.Text.RegularExpressions;

namespace Clusterpedia.Kube;

/// <summary>
/// Kubernetes' time formats: metav1.Time is RFC 3339 in UTC to the second (<c>2024-05-01T10:00:00Z</c>), metav1.MicroTime
/// to the microsecond; parsing is strict RFC 3339 as Go's <c>time.Parse(time.RFC3339, ...)</c> accepts it.
/// </summary>
public static partial class KubeTime
{
    /// <summary>A metav1.Time value: UTC, whole seconds.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A metav1.MicroTime value: UTC, six fractional digits.</summary>
    public static string FormatMicro(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        // .NET keeps 100 ns ticks: drop the digits Go would keep beyond that.
        var fraction = match.Groups["fraction"].Value;
        var normalized = match.Groups["main"].Value
            + (fraction.Length > 0 ? "." + fraction[..Math.Min(fraction.Length, 7)] : string.Empty)
            + match.Groups["zone"].Value;
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    [GeneratedRegex(@"^(?<main>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.(?<fraction>\d{1,9}))?(?<zone>Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
