using System.Globalization;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Search;

/// <summary>Parsers of the scalar search values; each error names the key and says what is allowed.</summary>
internal static class SearchValues
{
    private const long _unixMillisecondsThreshold = 100_000_000_000;

    /// <summary>RFC3339, <c>2006-01-02</c> (UTC midnight), unix seconds, or unix milliseconds (13 digits and more).</summary>
    public static DateTimeOffset Time(string key, string value)
    {
        var text = value.Trim();
        if (text.Length > 0 && text.Length <= 16 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            try
            {
                return number >= _unixMillisecondsThreshold
                    ? DateTimeOffset.FromUnixTimeMilliseconds(number)
                    : DateTimeOffset.FromUnixTimeSeconds(number);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw TimeError(key, value);
            }
        }

        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date;
        }

        string[] formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd' 'HH:mm:ssK"];
        return DateTimeOffset.TryParseExact(text.Replace('t', 'T').Replace('z', 'Z'), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw TimeError(key, value);
    }

    /// <summary>A workload kind as Kubernetes spells kinds: a letter, then letters and digits, at most 63 characters (e.g. Deployment, CloneSet).</summary>
    public static void WorkloadKind(string key, string value)
    {
        if (value.Length is 0 or > 63 || !char.IsAsciiLetter(value[0]) || !value.All(char.IsAsciiLetterOrDigit))
        {
            throw new InvalidQueryException(key, $"invalid value '{value}' for {key}: a workload kind is a letter followed by letters and digits, at most 63 characters (e.g. Deployment, StatefulSet, CloneSet, Pod)");
        }
    }

    /// <summary>A workload name: an object name, 1 to 253 characters of letters, digits, '-', '.', '_' and ':'.</summary>
    public static void WorkloadName(string key, string value)
    {
        if (value.Length is 0 or > 253 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or ':'))
        {
            throw new InvalidQueryException(key, $"invalid value '{value}' for {key}: a workload name has 1 to 253 characters of letters, digits, '-', '.', '_' and ':'");
        }
    }

    public static int NonNegativeInt(string key, string value, int max = int.MaxValue) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= max
            ? number
            : throw new InvalidQueryException(key, $"invalid value '{value}' for {key}: expected an integer from 0 to {max}");

    /// <summary>
    /// Sort keys: <c>name</c>, <c>name desc</c>, <c>name_desc</c>, <c>namespace desc,cluster</c>; fields are
    /// cluster, namespace, name, created_at, resource_version.
    /// </summary>
    public static IReadOnlyList<OrderByKey> OrderBy(string key, IEnumerable<string> values)
    {
        var keys = new List<OrderByKey>();
        foreach (var item in values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = item.Split(' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var field = parts[0];
            var descending = false;
            if (parts.Length == 2 && parts[1].ToLowerInvariant() is "desc" or "asc")
            {
                descending = parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
            }
            else if (parts.Length != 1)
            {
                throw OrderByError(key, item);
            }
            else if (field.EndsWith("_desc", StringComparison.Ordinal))
            {
                field = field[..^5];
                descending = true;
            }
            else if (field.EndsWith("_asc", StringComparison.Ordinal))
            {
                field = field[..^4];
            }

            keys.Add(new OrderByKey(
                field switch
                {
                    "cluster" => OrderByField.Cluster,
                    "namespace" => OrderByField.Namespace,
                    "name" => OrderByField.Name,
                    "created_at" or "creationTimestamp" => OrderByField.CreatedAt,
                    "resource_version" or "resourceVersion" => OrderByField.ResourceVersion,
                    _ => throw OrderByError(key, item),
                },
                descending));
        }

        return keys;
    }

    private static InvalidQueryException TimeError(string key, string value) =>
        new(key, $"invalid time '{value}' for {key}: expected RFC3339 (2006-01-02T15:04:05Z), a date (2006-01-02), or unix seconds or milliseconds");

    private static InvalidQueryException OrderByError(string key, string item) =>
        new(key, $"invalid order '{item}' for {key}: expected one or more of cluster, namespace, name, created_at, resource_version, each optionally followed by ' desc' (or '_desc')");
}
