using System.Globalization;
using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// Lenient reads of Kubernetes object fields: a missing or mistyped field reads as Go's zero value, the way the
/// printers see a decoded object.
/// </summary>
internal static class KubeJson
{
    public static JsonElement Prop(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    public static JsonElement Prop(this JsonElement element, string first, string second) => element.Prop(first).Prop(second);

    public static JsonElement Prop(this JsonElement element, string first, string second, string third) =>
        element.Prop(first).Prop(second).Prop(third);

    public static bool IsSet(this JsonElement element) =>
        element.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    public static string Str(this JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() ?? string.Empty : string.Empty;

    public static long Long(this JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            return 0;
        }

        return element.TryGetInt64(out var value) ? value : (long)element.GetDouble();
    }

    /// <summary>The integer, or <paramref name="fallback"/> when the field is absent (an API default such as replicas = 1).</summary>
    public static long Long(this JsonElement element, long fallback) =>
        element.ValueKind == JsonValueKind.Number ? element.Long() : fallback;

    public static bool Bool(this JsonElement element) => element.ValueKind == JsonValueKind.True;

    public static JsonArrayItems Items(this JsonElement element) => new(element);

    public static int Length(this JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.GetArrayLength(),
        JsonValueKind.Object => element.EnumerateObject().Count(),
        _ => 0,
    };

    /// <summary>An RFC 3339 timestamp (metav1.Time or MicroTime); null when unset, which Go treats as the zero time.</summary>
    public static DateTimeOffset? Time(this JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        return TryParseTime(element.GetString(), out var value) ? value : null;
    }

    public static bool TryParseTime(string? text, out DateTimeOffset value)
    {
        if (!string.IsNullOrEmpty(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value)
            && value != DateTimeOffset.MinValue)
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Values of a string map (labels, nodeSelector), sorted by key. Go sorts strings by bytes, which for UTF-16
    /// ordinal order only differs outside the Basic Multilingual Plane.
    /// </summary>
    public static List<KeyValuePair<string, string>> SortedStringMap(this JsonElement element)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return pairs;
        }

        foreach (var property in element.EnumerateObject())
        {
            pairs.Add(new(property.Name, property.Value.Str()));
        }

        pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return pairs;
    }
}
