using System.Text.Json;

namespace Clusterpedia.Kube;

/// <summary>
/// Copying parts of a UTF-8 JSON document from a reader to a writer without decoding them: the one-pass rewrites of
/// stored objects (the synchro's transform, the API's annotations) are built from these two steps.
/// </summary>
public static class RawJson
{
    /// <summary>Writes the property name at the reader's token, unescaping it only when the input escaped it.</summary>
    public static void WritePropertyName(Utf8JsonWriter writer, ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            writer.WritePropertyName(reader.GetString()!);
        }
        else
        {
            writer.WritePropertyName(reader.ValueSpan);
        }
    }

    /// <summary>Copies the value at the reader's token verbatim; the reader ends on the value's last token.</summary>
    public static void CopyValue(Utf8JsonWriter writer, ReadOnlySpan<byte> json, ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        writer.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
    }
}
