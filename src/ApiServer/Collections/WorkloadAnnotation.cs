using System.Text.Json;
using Clusterpedia.Kube;

namespace Clusterpedia.ApiServer.Collections;

/// <summary>
/// Writes a stored object with its resolved workload as the annotation <c>search.clusterpedia.io/workload</c>
/// (<c>Kind/name</c>), for collection-resource items, whose objects are otherwise copied verbatim. Values are copied
/// as stored; only metadata.annotations gains (or has replaced) that one entry.
/// </summary>
internal static class WorkloadAnnotation
{
    public const string Key = "search.clusterpedia.io/workload";

    public static void Write(Utf8JsonWriter json, ReadOnlySpan<byte> obj, string workload)
    {
        var reader = new Utf8JsonReader(obj, ObjectJsonLimits.ReaderOptions);
        reader.Read();
        json.WriteStartObject();
        var wroteMetadata = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            RawJson.WritePropertyName(json, ref reader);
            reader.Read();
            if (isMetadata && reader.TokenType == JsonTokenType.StartObject)
            {
                WriteMetadata(json, obj, ref reader, workload);
                wroteMetadata = true;
            }
            else
            {
                RawJson.CopyValue(json, obj, ref reader);
            }
        }

        if (!wroteMetadata)
        {
            json.WriteStartObject("metadata");
            WriteAnnotations(json, default, ref reader, workload, copy: false);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteMetadata(Utf8JsonWriter json, ReadOnlySpan<byte> obj, ref Utf8JsonReader reader, string workload)
    {
        json.WriteStartObject();
        var wroteAnnotations = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isAnnotations = reader.ValueTextEquals("annotations"u8);
            if (isAnnotations)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    WriteAnnotations(json, obj, ref reader, workload, copy: true);
                    wroteAnnotations = true;
                }
                else
                {
                    reader.Skip();
                }

                continue;
            }

            RawJson.WritePropertyName(json, ref reader);
            reader.Read();
            RawJson.CopyValue(json, obj, ref reader);
        }

        if (!wroteAnnotations)
        {
            WriteAnnotations(json, obj, ref reader, workload, copy: false);
        }

        json.WriteEndObject();
    }

    private static void WriteAnnotations(Utf8JsonWriter json, ReadOnlySpan<byte> obj, ref Utf8JsonReader reader, string workload, bool copy)
    {
        json.WriteStartObject("annotations");
        while (copy && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(Key))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            RawJson.WritePropertyName(json, ref reader);
            reader.Read();
            RawJson.CopyValue(json, obj, ref reader);
        }

        json.WriteString(Key, workload);
        json.WriteEndObject();
    }
}
