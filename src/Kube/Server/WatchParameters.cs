using System.Globalization;

namespace Clusterpedia.Kube.Server;

/// <summary>
/// The watch query parameters a Kubernetes API server reads (<c>timeoutSeconds</c>, <c>resourceVersion</c>,
/// <c>allowWatchBookmarks</c>), parsed once for every watch server here; each server decides its own default and
/// maximum duration and how it turns a revision into events.
/// </summary>
public sealed record WatchParameters
{
    /// <summary>The requested duration; null when absent, empty or 0 (the server's default applies).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The revision to watch from; null when absent, empty or <c>0</c>: start with the current objects.</summary>
    public long? FromRevision { get; init; }

    public bool AllowWatchBookmarks { get; init; }

    /// <summary>The stream's duration: the requested one or the server's default, never over <paramref name="max"/>.</summary>
    public TimeSpan Duration(TimeSpan defaultTimeout, TimeSpan max)
    {
        var wanted = Timeout ?? defaultTimeout;
        return wanted < max ? wanted : max;
    }

    /// <summary>Reads the parameters from a query (each key's values as given, none when absent).</summary>
    /// <exception cref="FormatException">A value is not valid; the message names the parameter, as kube-apiserver's does.</exception>
    public static WatchParameters Parse(Func<string, IReadOnlyList<string?>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new WatchParameters
        {
            Timeout = ParseTimeout(First(query("timeoutSeconds"))),
            FromRevision = ParseRevision(First(query("resourceVersion"))),
            AllowWatchBookmarks = QueryBool.Parse(query("allowWatchBookmarks")),
        };
    }

    /// <summary>A non-negative integer number of seconds; digits beyond a long are still seconds, so very long.</summary>
    private static TimeSpan? ParseTimeout(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            if (text.All(char.IsAsciiDigit))
            {
                return TimeSpan.MaxValue;
            }

            var shown = text.Length > 64 ? text[..64] + "..." : text;
            throw new FormatException($"timeoutSeconds: Invalid value: \"{shown}\": must be a non-negative integer number of seconds");
        }

        if (seconds == 0)
        {
            return null;
        }

        return seconds >= (long)TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
    }

    private static long? ParseRevision(string text)
    {
        if (text is "" or "0")
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            var shown = text.Length > 64 ? text[..64] + "..." : text;
            throw new FormatException($"resourceVersion: Invalid value: \"{shown}\": must be a resourceVersion returned by a list or watch of this server");
        }

        return revision;
    }

    private static string First(IReadOnlyList<string?> values) => values.Count == 0 ? "" : values[0] ?? "";
}
