using System.Buffers;
using System.Text.Json;
using Clusterpedia.Kube;

namespace Clusterpedia.Storage.Engine;

/// <summary>Cuts an object down to apiVersion, kind and metadata (onlyMetadata / PartialObjectMetadata).</summary>
internal static class MetadataProjection
{
    public static ReadOnlyMemory<byte> Project(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json, ObjectJsonLimits.DocumentOptions);
        var buffer = new ArrayBufferWriter<byte>(Math.Min(json.Length, 4096));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("apiVersion") || property.NameEquals("kind") || property.NameEquals("metadata"))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
