using System.Globalization;
using System.Text.RegularExpressions;

namespace Clusterpedia.Kube.Printing;

/// <summary>Strict RFC 3339 parsing as Go's <c>time.Parse(time.RFC3339, ...)</c> accepts it (up to nanoseconds).</summary>
internal static partial class Rfc3339
{
    public static bool TryParse(string text, out DateTimeOffset value)
    {
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

    [GeneratedRegex(@"^(?<main>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.(?<fraction>\d{1,9}))?(?<zone>Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Pattern();
}
