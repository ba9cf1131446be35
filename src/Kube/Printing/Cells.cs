using System.Text;
using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>The small formatting helpers of kube's printers: ages, label maps, container lists, "+ N more...".</summary>
internal static class Cells
{
    public const string None = "<none>";
    public const string Unknown = "<unknown>";
    public const string Unset = "<unset>";

    /// <summary>translateTimestampSince: <c>&lt;unknown&gt;</c> for an unset time, otherwise the human duration since it.</summary>
    public static string Since(JsonElement timestamp, DateTimeOffset now) => Since(timestamp.Time(), now);

    public static string Since(DateTimeOffset? timestamp, DateTimeOffset now) => HumanDuration.Since(timestamp, now);

    public static string Age(JsonElement obj, DateTimeOffset now) => Since(obj.Prop("metadata", "creationTimestamp"), now);

    public static string Name(JsonElement obj) => obj.Prop("metadata", "name").Str();

    /// <summary>labels.FormatLabels: sorted <c>k=v</c> pairs joined by commas, <c>&lt;none&gt;</c> when empty.</summary>
    public static string FormatLabels(JsonElement map)
    {
        var pairs = map.SortedStringMap();
        if (pairs.Count == 0)
        {
            return None;
        }

        var builder = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(key).Append('=').Append(value);
        }

        return builder.ToString();
    }

    /// <summary>Names and images of a pod template's containers, each joined by commas.</summary>
    public static (string Names, string Images) Containers(JsonElement podSpec)
    {
        var names = new StringBuilder();
        var images = new StringBuilder();
        var first = true;
        foreach (var container in podSpec.Prop("containers").Items())
        {
            if (!first)
            {
                names.Append(',');
                images.Append(',');
            }

            first = false;
            names.Append(container.Prop("name").Str());
            images.Append(container.Prop("image").Str());
        }

        return (names.ToString(), images.ToString());
    }

    /// <summary>The first <paramref name="max"/> items joined by <paramref name="separator"/>, then " + K more..." when there are more.</summary>
    public static string JoinWithMore(IReadOnlyList<string> items, int max, int total, string separator)
    {
        var shown = string.Join(separator, items.Take(max));
        return total > max ? $"{shown} + {total - max} more..." : shown;
    }

    public static void WriteContainers(Utf8JsonWriter writer, JsonElement podSpec)
    {
        var (names, images) = Containers(podSpec);
        writer.WriteStringValue(names);
        writer.WriteStringValue(images);
    }
}
