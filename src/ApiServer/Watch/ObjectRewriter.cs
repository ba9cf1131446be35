using System.Buffers;
using System.Text.Json;

namespace Clusterpedia.ApiServer.Watch;

/// <summary>
/// Rewrites metadata.resourceVersion of a stored object to the store's revision. Watch clients (client-go
/// reflectors) resume from the resourceVersion of the last event's object, so in a multi-cluster stream it must be
/// ours, not the member cluster's.
/// </summary>
internal static class ObjectRewriter
{
    public static byte[] WithResourceVersion(ReadOnlyMemory<byte> json, string resourceVersion)
    {
        using var doc = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length + 16);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!prop.NameEquals("metadata"u8) || prop.Value.ValueKind != JsonValueKind.Object)
                {
                    prop.WriteTo(w);
                    continue;
                }

                w.WriteStartObject("metadata"u8);
                foreach (var m in prop.Value.EnumerateObject())
                {
                    if (!m.NameEquals("resourceVersion"u8))
                    {
                        m.WriteTo(w);
                    }
                }

                w.WriteString("resourceVersion"u8, resourceVersion);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
