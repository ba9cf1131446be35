using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Clusterpedia.Kube.Server;

/// <summary>
/// The framing of a watch stream: one <c>{"type":"ADDED","object":{...}}</c> line per event, newline-delimited, as
/// kube-apiserver writes them. The object goes between <see cref="WriteStart"/> and <see cref="WriteEnd"/> as raw
/// bytes or from a <see cref="Utf8JsonWriter"/>, so stored objects are copied, never re-serialized.
/// </summary>
public static class WatchEventFrame
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";

    /// <summary>Writes <c>{"type":"TYPE","object":</c>; the type is one of the constants here (ASCII, no escaping).</summary>
    public static void WriteStart(IBufferWriter<byte> body, string type)
    {
        ArgumentNullException.ThrowIfNull(body);
        body.Write("{\"type\":\""u8);
        body.Write(Encoding.ASCII.GetBytes(type));
        body.Write("\",\"object\":"u8);
    }

    /// <summary>Closes the event and ends its line.</summary>
    public static void WriteEnd(IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        body.Write("}\n"u8);
    }

    /// <summary>An event whose object is already JSON.</summary>
    public static void Write(IBufferWriter<byte> body, string type, ReadOnlySpan<byte> json)
    {
        WriteStart(body, type);
        body.Write(json);
        WriteEnd(body);
    }

    /// <summary>An event whose object a writer produces (with the caller's escaping options).</summary>
    public static void Write(IBufferWriter<byte> body, string type, JsonWriterOptions options, Action<Utf8JsonWriter> writeObject)
    {
        ArgumentNullException.ThrowIfNull(writeObject);
        WriteStart(body, type);
        using (var json = new Utf8JsonWriter(body, options))
        {
            writeObject(json);
        }

        WriteEnd(body);
    }

    /// <summary>An ERROR event carrying a Status, e.g. 410 Expired when the requested revision is gone.</summary>
    public static void WriteError(IBufferWriter<byte> body, StatusFailure status, JsonWriterOptions options = default) =>
        Write(body, Error, options, json => StatusJson.WriteFailure(json, status));

    /// <summary>A BOOKMARK with only the type and the revision the stream is current up to.</summary>
    public static void WriteBookmark(IBufferWriter<byte> body, string kind, string apiVersion, long revision) =>
        Write(body, Bookmark, default, json =>
        {
            json.WriteStartObject();
            json.WriteString("kind", kind);
            json.WriteString("apiVersion", apiVersion);
            json.WriteStartObject("metadata");
            json.WriteString("resourceVersion", revision.ToString(CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteEndObject();
        });

    /// <summary>The 410 Expired Status a watch ends with when the revision it asked for is older than the kept history.</summary>
    public static StatusFailure Expired(long requested, long current) =>
        new(410, "Expired", $"too old resource version: {requested} ({current})");
}
