using System.Text;
using System.Text.Json;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// The object's fields a table keeps beside it as columns (PostgreSQL: <c>labels</c>, <c>phase</c>), read from the
/// UTF-8 JSON in one forward pass as the writer sends it, so the database never parses the object for them. The values
/// are what PostgreSQL's <c>object -&gt; 'metadata' -&gt; 'labels'</c> and <c>object -&gt; 'status' -&gt;&gt; 'phase'</c>
/// give: the labels value as JSON text (any JSON type, null when absent); the phase as text (a string unescaped, another
/// scalar or a container as its JSON text, null when absent or JSON null). A key given twice counts by its last value.
/// </summary>
internal static class StoredColumns
{
    private static ReadOnlySpan<byte> Metadata => "metadata"u8;

    private static ReadOnlySpan<byte> Labels => "labels"u8;

    private static ReadOnlySpan<byte> Status => "status"u8;

    private static ReadOnlySpan<byte> Phase => "phase"u8;

    /// <summary>The labels (JSON text) and phase of <paramref name="json"/>; both null for input that is not a JSON object.</summary>
    public static (string? Labels, string? Phase) Read(ReadOnlySpan<byte> json)
    {
        try
        {
            return ReadObject(json);
        }
        catch (JsonException)
        {
            // The database refuses the object itself; nothing to extract.
            return (null, null);
        }
    }

    private static (string? Labels, string? Phase) ReadObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return (null, null);
        }

        string? labels = null;
        string? phase = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // A metadata or status given twice counts by its last value, as a whole.
            var isMetadata = reader.ValueTextEquals(Metadata);
            var isStatus = !isMetadata && reader.ValueTextEquals(Status);
            reader.Read();
            if (isMetadata)
            {
                labels = Member(ref reader, json, Labels, asText: false);
            }
            else if (isStatus)
            {
                phase = Member(ref reader, json, Phase, asText: true);
            }
            else
            {
                reader.Skip();
            }
        }

        return (labels, phase);
    }

    /// <summary>
    /// The last value of <paramref name="name"/> in the value the reader is at, if that is an object: JSON text, or with
    /// <paramref name="asText"/> the text <c>-&gt;&gt;</c> gives. Leaves the reader at the value's last token.
    /// </summary>
    private static string? Member(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, bool asText)
    {
        string? value = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return value;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (!match)
            {
                reader.Skip();
                continue;
            }

            if (asText && reader.TokenType == JsonTokenType.String)
            {
                value = reader.GetString();
            }
            else if (asText && reader.TokenType == JsonTokenType.Null)
            {
                value = null;
            }
            else
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                value = Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
            }
        }

        return value;
    }
}
