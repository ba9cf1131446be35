using System.Text.Json;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// Splits a watch response body into events, one JSON line each, and enforces the idle watchdog: every read must
/// bring bytes within the idle timeout or the watch ends with <see cref="WatchIdleTimeoutException"/>.
/// </summary>
internal sealed class WatchStreamReader : IDisposable
{
    internal const int InitialBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly TimeSpan _idleTimeout;
    private readonly CancellationTokenSource _idle;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private int _scanned;
    private bool _eof;

    public WatchStreamReader(Stream stream, TimeSpan idleTimeout, TimeProvider timeProvider)
    {
        _stream = stream;
        _idleTimeout = idleTimeout;
        _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
    }

    /// <summary>The next event, or null when the server closed the stream.</summary>
    /// <exception cref="KubeApiException">An ERROR event (410 Expired: <see cref="KubeApiException.IsExpired"/>).</exception>
    public async ValueTask<WatchEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var lineEnd = _scanned + newline;
                var line = _buffer.AsMemory(_start, lineEnd - _start);
                _start = _scanned = lineEnd + 1;
                if (IsBlank(line.Span))
                {
                    continue;
                }

                return Decode(line.Span);
            }

            _scanned = _end;
            if (_eof)
            {
                var rest = _buffer.AsMemory(_start, _end - _start);
                _start = _scanned = _end;
                if (IsBlank(rest.Span))
                {
                    return null;
                }

                try
                {
                    return Decode(rest.Span);
                }
                catch (JsonException e)
                {
                    throw new InvalidDataException($"the watch stream ended in the middle of an event ({rest.Length} bytes of it)", e);
                }
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _idle.Dispose();

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            // Keep the partial line at the front.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
        _idle.CancelAfter(_idleTimeout);
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (_idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WatchIdleTimeoutException(
                $"watch received nothing for {_idleTimeout.TotalSeconds:0.###}s (not even a bookmark); the connection is presumed dead", e);
        }

        _idle.CancelAfter(Timeout.InfiniteTimeSpan);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.TrimStart(" \t\r\n"u8).IsEmpty;

    internal static WatchEvent Decode(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = ObjectJsonLimits.MaxDepth + 1 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException("watch event is not a JSON object");
        }

        string? type = null;
        var objectStart = -1;
        var objectEnd = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                objectStart = (int)reader.TokenStartIndex;
                reader.Skip();
                objectEnd = (int)reader.BytesConsumed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var obj = objectStart >= 0 ? line[objectStart..objectEnd] : [];
        var eventType = type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => throw KubeStatus.FromWatchError(obj),
            _ => throw new InvalidDataException($"unknown watch event type '{type}'"),
        };

        // The line buffer is reused: each event owns a copy of exactly its object's bytes.
        return new WatchEvent(eventType, obj.ToArray());
    }
}
