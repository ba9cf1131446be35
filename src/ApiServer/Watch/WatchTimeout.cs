using System.Globalization;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Search;

namespace Clusterpedia.ApiServer.Watch;

/// <summary>
/// How long a watch stream lasts: <c>timeoutSeconds</c> when given (0 or absent: the server's default, as in
/// kube-apiserver), never longer than <see cref="QueryLimits.MaxWatchTimeoutSeconds"/>: a stream ending early is
/// normal for watch clients, which watch again from their last resourceVersion.
/// </summary>
internal static class WatchTimeout
{
    public static TimeSpan Parse(IQueryCollection query, QueryLimits limits, TimeSpan defaultTimeout)
    {
        var max = TimeSpan.FromSeconds(limits.MaxWatchTimeoutSeconds);
        var text = query["timeoutSeconds"].ToString();
        if (text.Length == 0)
        {
            return defaultTimeout < max ? defaultTimeout : max;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            // Digits beyond long are still a number of seconds: clamp them, as any large value is.
            if (text.All(char.IsAsciiDigit))
            {
                return max;
            }

            var shown = text.Length > 64 ? text[..64] + "..." : text;
            throw ApiException.BadRequest($"timeoutSeconds: Invalid value: \"{shown}\": must be a non-negative integer number of seconds");
        }

        if (seconds == 0)
        {
            return defaultTimeout < max ? defaultTimeout : max;
        }

        return seconds >= limits.MaxWatchTimeoutSeconds ? max : TimeSpan.FromSeconds(seconds);
    }
}
