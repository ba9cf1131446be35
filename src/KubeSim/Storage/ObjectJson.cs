using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Storage;

/// <summary>Helpers between mutable <see cref="JsonObject"/> (used while writing) and the stored UTF-8 bodies.</summary>
internal static class ObjectJson
{
    private static readonly byte[] _kindPrefix = "{\"kind\":"u8.ToArray();
    private static readonly byte[] _apiVersionPrefix = ",\"apiVersion\":"u8.ToArray();

    /// <summary>Serialises an object with metadata first and without kind/apiVersion.</summary>
    public static byte[] SerializeBody(JsonObject obj)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, JsonDefaults.Writer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("metadata");
            WriteMetadata(writer, obj["metadata"] as JsonObject);

            foreach (var (name, value) in obj)
            {
                if (name is "metadata" or "kind" or "apiVersion")
                {
                    continue;
                }

                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // kube-apiserver writes ObjectMeta fields in struct order; keep that order whatever order a client sent.
    private static readonly string[] _metadataOrder =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "managedFields",
    ];

    private static void WriteMetadata(Utf8JsonWriter writer, JsonObject? metadata)
    {
        writer.WriteStartObject();
        if (metadata is not null)
        {
            foreach (var name in _metadataOrder)
            {
                if (metadata[name] is { } value)
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }
            }

            foreach (var (name, value) in metadata)
            {
                if (value is not null && Array.IndexOf(_metadataOrder, name) < 0)
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>The full object as clients see it: <c>{"kind":..,"apiVersion":..,</c> followed by the body's members.</summary>
    public static byte[] WithTypeMeta(ReadOnlySpan<byte> body, string kind, string apiVersion)
    {
        var kindJson = JsonEncoded(kind);
        var apiVersionJson = JsonEncoded(apiVersion);
        var result = new byte[_kindPrefix.Length + kindJson.Length + _apiVersionPrefix.Length + apiVersionJson.Length + body.Length];
        var span = result.AsSpan();
        _kindPrefix.CopyTo(span);
        span = span[_kindPrefix.Length..];
        kindJson.CopyTo(span);
        span = span[kindJson.Length..];
        _apiVersionPrefix.CopyTo(span);
        span = span[_apiVersionPrefix.Length..];
        apiVersionJson.CopyTo(span);
        span = span[apiVersionJson.Length..];
        // The body starts with '{' followed by its first member; swap the brace for a comma.
        span[0] = (byte)',';
        body[1..].CopyTo(span[1..]);
        return result;
    }

    public static JsonObject ParseObject(ReadOnlySpan<byte> json) =>
        JsonNode.Parse(json) as JsonObject ?? throw SimulatorApiException.BadRequest("the request body is not a JSON object");

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    public static string? GetString(JsonObject? obj, string property) =>
        obj?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static IReadOnlyDictionary<string, string> Labels(JsonObject metadata, StringPool pool)
    {
        if (metadata["labels"] is not JsonObject labels || labels.Count == 0)
        {
            return CompactMap.Empty;
        }

        var pairs = new string[labels.Count * 2];
        var i = 0;
        foreach (var (key, value) in labels)
        {
            pairs[i++] = pool.Intern(key);
            pairs[i++] = pool.Intern(value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString() ?? string.Empty);
        }

        return new CompactMap(pairs);
    }

    /// <summary>
    /// Values of the selectable fields; absent fields read as empty, as in kube-apiserver's field sets. Values that
    /// repeat across objects are pooled; addresses and names, which rarely do, are not.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Fields(JsonObject obj, string ns, string name, IReadOnlyList<string> selectable, StringPool pool)
    {
        var pairs = new string[(selectable.Count + 2) * 2];
        pairs[0] = "metadata.name";
        pairs[1] = name;
        pairs[2] = "metadata.namespace";
        pairs[3] = ns;
        var i = 4;
        foreach (var path in selectable)
        {
            var value = FieldValue(obj, path);
            pairs[i++] = path;
            pairs[i++] = path.Contains("IP", StringComparison.Ordinal) || path.EndsWith(".name", StringComparison.Ordinal)
                || path.EndsWith(".uid", StringComparison.Ordinal) || path.EndsWith("resourceVersion", StringComparison.Ordinal)
                ? value
                : pool.Intern(value);
        }

        return new CompactMap(pairs);
    }

    private static string FieldValue(JsonObject obj, string path)
    {
        if (string.Equals(path, "source", StringComparison.Ordinal))
        {
            return GetString(obj["source"] as JsonObject, "component") ?? string.Empty;
        }

        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
        {
            node = (node as JsonObject)?[part];
        }

        return node switch
        {
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            JsonValue value when value.TryGetValue<bool>(out var flag) => flag ? "true" : "false",
            JsonValue value when value.TryGetValue<long>(out var number) => number.ToString(CultureInfo.InvariantCulture),
            JsonArray array => string.Join(",", array.Select(item => (item as JsonObject)?["ip"]?.ToString() ?? item?.ToString())),
            null => string.Empty,
            _ => node.ToJsonString(),
        };
    }

    public static string Timestamp(DateTimeOffset time) => KubeTime.Format(time);

    private static byte[] JsonEncoded(string text) =>
        Encoding.UTF8.GetBytes("\"" + JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value + "\"");
}
