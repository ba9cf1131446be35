using System.Text.Json;
using Clusterpedia.Kube;

namespace Clusterpedia.ApiServer.Watch;

/// <summary>
/// Rewrites metadata.resourceVersion of a stored object to the store's revision. Watch clients (client-go
/// reflectors) resume from the resourceVersion of the last event's object, so in a multi-cluster stream it must be
/// ours, not the member cluster's.
/// </summary>
/// <remarks>
/// The object is scanned once with a reader and copied with only that value replaced (or the property added at the end
/// of metadata when it has none): every other byte stays as stored. Parsing it into a document and writing every
/// property back, as this did before, re-escaped each string of a 4 KB pod for one event and was an eighth of the
/// server's CPU during S4 (docs/benchmarks.md, "Session 18"); its default depth limit of 64 also failed the event of
/// an object the synchro had stored within <see cref="ObjectJsonLimits.MaxDepth"/>.
/// </remarks>
internal static class ObjectRewriter
{
    public static byte[] WithResourceVersion(ReadOnlyMemory<byte> json, string resourceVersion)
    {
        var source = json.Span;
        var quoted = Quoted(resourceVersion);
        var edits = FindEdits(source);
        var length = source.Length;
        foreach (var edit in edits)
        {
            length += (edit.Insert ? ResourceVersionProperty.Length + (edit.Comma ? 1 : 0) : 0) + quoted.Length - (edit.End - edit.Start);
        }

        var result = new byte[length];
        var written = 0;
        var copied = 0;
        foreach (var edit in edits)
        {
            source[copied..edit.Start].CopyTo(result.AsSpan(written));
            written += edit.Start - copied;
            if (edit.Insert)
            {
                if (edit.Comma)
                {
                    result[written++] = (byte)',';
                }

                ResourceVersionProperty.CopyTo(result.AsSpan(written));
                written += ResourceVersionProperty.Length;
            }

            quoted.CopyTo(result.AsSpan(written));
            written += quoted.Length;
            copied = edit.End;
        }

        source[copied..].CopyTo(result.AsSpan(written));
        return result;
    }

    /// <summary><c>"resourceVersion":</c>, the name of the property added to a metadata that has none.</summary>
    private static ReadOnlySpan<byte> ResourceVersionProperty => "\"resourceVersion\":"u8;

    /// <summary>The value as a JSON string, quotes included, escaped as JSON requires.</summary>
    private static byte[] Quoted(string value)
    {
        var encoded = JsonEncodedText.Encode(value).EncodedUtf8Bytes;
        var quoted = new byte[encoded.Length + 2];
        quoted[0] = (byte)'"';
        encoded.CopyTo(quoted.AsSpan(1));
        quoted[^1] = (byte)'"';
        return quoted;
    }

    /// <summary>
    /// Where the new value goes, in order: the value of each resourceVersion of each top-level metadata object
    /// (replaced), or the closing brace of a metadata object without one (inserted before it).
    /// </summary>
    private static List<Edit> FindEdits(ReadOnlySpan<byte> json)
    {
        var edits = new List<Edit>(1);
        var reader = new Utf8JsonReader(json, ObjectJsonLimits.ReaderOptions);
        var inMetadata = false;
        var found = false;
        var properties = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                    var isMetadata = reader.ValueTextEquals("metadata"u8);
                    reader.Read();
                    if (isMetadata && reader.TokenType == JsonTokenType.StartObject)
                    {
                        (inMetadata, found, properties) = (true, false, 0);
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;
                case JsonTokenType.PropertyName when inMetadata && reader.CurrentDepth == 2:
                    properties++;
                    var isResourceVersion = reader.ValueTextEquals("resourceVersion"u8);
                    reader.Read();
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    if (isResourceVersion)
                    {
                        edits.Add(new Edit(start, (int)reader.BytesConsumed, Insert: false, Comma: false));
                        found = true;
                    }

                    break;
                case JsonTokenType.EndObject when inMetadata && reader.CurrentDepth == 1:
                    if (!found)
                    {
                        var brace = (int)reader.TokenStartIndex;
                        edits.Add(new Edit(brace, brace, Insert: true, Comma: properties > 0));
                    }

                    inMetadata = false;
                    break;
            }
        }

        return edits;
    }

    /// <summary>Bytes [Start, End) of the stored object replaced by the new value, after the property's name when inserted.</summary>
    private readonly record struct Edit(int Start, int End, bool Insert, bool Comma);
}
