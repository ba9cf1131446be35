using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace Clusterpedia.Bench.EndToEnd;

/// <summary>
/// S4's watcher: reads our watch stream line by line as bytes and finds this run's sequence number in each event. At
/// 5,000 events a second, decoding each 4 KB line into a string and parsing it into a document took about as much CPU
/// as our server spent serving the watch, on the same two cores; the stamp is found by a byte search instead, and only
/// a line that names the run in another form is parsed.
/// </summary>
internal static class ChurnWatchReader
{
    /// <summary>Calls <paramref name="onSequence"/> with the sequence and arrival time of each event that carries one, until the stream ends.</summary>
    public static async Task ReadAsync(Stream stream, string runId, Action<int, long> onSequence, CancellationToken cancellationToken)
    {
        var stamp = Stamp.Of(runId);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                ReadLines(ref buffer, stamp, onSequence);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>The sequence of this run in the annotation of one watch event line, if it has one.</summary>
    public static int? Sequence(ReadOnlySpan<byte> line, string runId) =>
        Sequence(line, Stamp.Of(runId));

    private static void ReadLines(ref ReadOnlySequence<byte> buffer, Stamp stamp, Action<int, long> onSequence)
    {
        while (buffer.PositionOf((byte)'\n') is { } end)
        {
            var arrival = Stopwatch.GetTimestamp();
            var line = buffer.Slice(0, end);
            var seq = line.IsSingleSegment ? Sequence(line.FirstSpan, stamp) : Sequence(line.ToArray(), stamp);
            if (seq is { } s)
            {
                onSequence(s, arrival);
            }

            buffer = buffer.Slice(buffer.GetPosition(1, end));
        }
    }

    private static int? Sequence(ReadOnlySpan<byte> line, Stamp stamp)
    {
        // As the server writes it: "bench.clusterpedia.io/seq":"<run>-<digits>". Inside a JSON string (the
        // last-applied annotation, managedFields) quotes are escaped, so this can only be the annotation itself.
        var at = line.IndexOf(stamp.Pattern);
        if (at >= 0)
        {
            var rest = line[(at + stamp.Pattern.Length)..];
            var close = rest.IndexOf((byte)'"');
            if (close > 0 && close <= 9 && rest[..close].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
            {
                var seq = 0;
                foreach (var digit in rest[..close])
                {
                    seq = (seq * 10) + (digit - '0');
                }

                return seq;
            }
        }

        return line.IndexOf(stamp.RunId) >= 0 ? SequenceOfDocument(line, stamp.RunIdText) : null;
    }

    /// <summary>The stamp read as JSON: object.metadata.annotations[<see cref="ChurnLag.Annotation"/>] = run-sequence.</summary>
    private static int? SequenceOfDocument(ReadOnlySpan<byte> line, string runId)
    {
        var reader = new Utf8JsonReader(line);
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.TryGetProperty("object", out var obj)
            && obj.TryGetProperty("metadata", out var metadata)
            && metadata.TryGetProperty("annotations", out var annotations)
            && annotations.ValueKind == JsonValueKind.Object
            && annotations.TryGetProperty(ChurnLag.Annotation, out var value)
            && value.GetString() is { } text
            && text.StartsWith(runId + "-", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(runId.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? seq
            : null;
    }

    /// <summary>What a line of this run is searched for: the annotation as the server writes it, and the run's id.</summary>
    private sealed record Stamp(byte[] Pattern, byte[] RunId, string RunIdText)
    {
        public static Stamp Of(string runId) =>
            new(Encoding.UTF8.GetBytes($"\"{ChurnLag.Annotation}\":\"{runId}-"), Encoding.UTF8.GetBytes(runId), runId);
    }
}
