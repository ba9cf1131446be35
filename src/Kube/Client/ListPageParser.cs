using System.Text.Json;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// Reads a list response held in one buffer: list metadata, and each item as a slice of that buffer, so objects reach
/// storage byte for byte and nothing is re-serialized.
/// </summary>
internal static class ListPageParser
{
    public static ListPage Parse(ReadOnlyMemory<byte> buffer)
    {
        var reader = new Utf8JsonReader(buffer.Span, new JsonReaderOptions { MaxDepth = ObjectJsonLimits.MaxDepth + 2 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException("list response is not a JSON object");
        }

        string? kind = null, apiVersion = null, resourceVersion = null, continueToken = null;
        long? remaining = null;
        var items = new List<ReadOnlyMemory<byte>>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new InvalidDataException("list response: items is not an array");
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    items.Add(buffer[start..(int)reader.BytesConsumed]);
                }
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("resourceVersion"u8))
                    {
                        reader.Read();
                        resourceVersion = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("continue"u8))
                    {
                        reader.Read();
                        continueToken = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("remainingItemCount"u8))
                    {
                        reader.Read();
                        remaining = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : null;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                kind = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("apiVersion"u8))
            {
                reader.Read();
                apiVersion = ReadString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ListPage
        {
            Kind = kind,
            ApiVersion = apiVersion,
            ResourceVersion = resourceVersion ?? string.Empty,
            Continue = string.IsNullOrEmpty(continueToken) ? null : continueToken,
            RemainingItemCount = remaining,
            Items = items,
        };
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }
}
