using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>Enumerates an array's items, or nothing when the element is missing or not an array.</summary>
internal readonly struct JsonArrayItems(JsonElement element)
{
    public JsonElement.ArrayEnumerator GetEnumerator() =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : default;
}
