using System.Buffers;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// Reads a response body into one exactly-sized array: with Content-Length straight in, otherwise through pooled
/// chunks copied once at the end, so a page costs about twice its size at peak rather than the 3-4x of a growing
/// MemoryStream. Every read must bring bytes within the idle timeout: a member that hangs after its headers would
/// otherwise hold the caller for ever (the request timeout only covers the wait for the headers).
/// </summary>
internal static class ResponseBody
{
    internal const int ChunkSize = 64 * 1024;

    public static Task<byte[]> ReadAllAsync(HttpContent content, CancellationToken cancellationToken) =>
        ReadAllAsync(content, Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);

    public static async Task<byte[]> ReadAllAsync(HttpContent content, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var idle = new IdleReads(idleTimeout, timeProvider, cancellationToken);
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = content.Headers.ContentLength;
            if (length is { } exact && exact <= Array.MaxLength)
            {
                var buffer = new byte[exact];
                var filled = 0;
                while (filled < buffer.Length)
                {
                    var read = await idle.ReadAsync(stream, buffer.AsMemory(filled)).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw new EndOfStreamException($"the response body ended after {filled} of {exact} bytes");
                    }

                    filled += read;
                }

                return buffer;
            }

            return await ReadChunkedAsync(stream, idle).ConfigureAwait(false);
        }
    }

    private static async Task<byte[]> ReadChunkedAsync(Stream stream, IdleReads idle)
    {
        var chunks = new List<byte[]>();
        var total = 0L;
        var last = 0;
        try
        {
            while (true)
            {
                var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
                chunks.Add(chunk);
                last = 0;
                while (last < chunk.Length)
                {
                    var read = await idle.ReadAsync(stream, chunk.AsMemory(last)).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return Concat(chunks, total + last, last);
                    }

                    last += read;
                }

                total += last;
            }
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    /// <summary>Reads that fail with a <see cref="TimeoutException"/> when one brings nothing within the idle timeout.</summary>
    private sealed class IdleReads(TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken) : IDisposable
    {
        private readonly CancellationTokenSource _idle = new(Timeout.InfiniteTimeSpan, timeProvider);
        private CancellationTokenSource? _linked;

        public async ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer)
        {
            _linked ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
            _idle.CancelAfter(idleTimeout);
            try
            {
                var read = await stream.ReadAsync(buffer, _linked.Token).ConfigureAwait(false);
                _idle.CancelAfter(Timeout.InfiniteTimeSpan);
                return read;
            }
            catch (OperationCanceledException e) when (_idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"the response body stalled: nothing received for {idleTimeout.TotalSeconds:0.###}s after the headers", e);
            }
        }

        public void Dispose()
        {
            _linked?.Dispose();
            _idle.Dispose();
        }
    }

    private static byte[] Concat(List<byte[]> chunks, long total, int lastLength)
    {
        if (total > Array.MaxLength)
        {
            throw new InvalidDataException($"response body of {total} bytes is too large");
        }

        var result = new byte[total];
        var offset = 0;
        for (var i = 0; i < chunks.Count; i++)
        {
            var count = i == chunks.Count - 1 ? lastLength : chunks[i].Length;
            chunks[i].AsSpan(0, count).CopyTo(result.AsSpan(offset));
            offset += count;
        }

        return result;
    }
}
