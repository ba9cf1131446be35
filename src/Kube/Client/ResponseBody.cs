using System.Buffers;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// Reads a response body into one array: with Content-Length straight in, otherwise through pooled chunks copied
/// once at the end, so a page costs about twice its size at peak rather than the 3-4x of a growing MemoryStream.
/// The array is exactly sized, or (<see cref="ReadPooledAsync"/>, for list pages read one after another) rented from
/// the shared pool: a 500-object page is megabytes, and a fresh array of that size per page lands on the large
/// object heap, whose collections are gen-2 collections. Every read must bring bytes within the idle timeout: a
/// member that hangs after its headers would otherwise hold the caller for ever (the request timeout only covers the
/// wait for the headers).
/// </summary>
internal static class ResponseBody
{
    internal const int ChunkSize = 64 * 1024;

    /// <summary>Bodies larger than this are never pooled (the pool would keep such arrays for the whole process).</summary>
    internal const int MaxPooledLength = 32 * 1024 * 1024;

    public static Task<byte[]> ReadAllAsync(HttpContent content, CancellationToken cancellationToken) =>
        ReadAllAsync(content, Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);

    public static async Task<byte[]> ReadAllAsync(HttpContent content, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        (await ReadAsync(content, idleTimeout, timeProvider, pooled: false, cancellationToken).ConfigureAwait(false)).Buffer;

    /// <summary>
    /// The body in an array rented from <see cref="ArrayPool{T}.Shared"/> when it is at most
    /// <see cref="MaxPooledLength"/> (<c>Rented</c>; give it back with <see cref="Return"/>), else in a fresh one.
    /// </summary>
    public static Task<(byte[] Buffer, int Length, bool Rented)> ReadPooledAsync(
        HttpContent content, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        ReadAsync(content, idleTimeout, timeProvider, pooled: true, cancellationToken);

    /// <summary>Clears what a body left in a rented array (member objects, Secrets among them) and returns it to the pool.</summary>
    public static void Return(byte[] buffer, int length)
    {
        buffer.AsSpan(0, length).Clear();
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private static async Task<(byte[] Buffer, int Length, bool Rented)> ReadAsync(
        HttpContent content, TimeSpan idleTimeout, TimeProvider timeProvider, bool pooled, CancellationToken cancellationToken)
    {
        using var idle = new IdleReads(idleTimeout, timeProvider, cancellationToken);
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = content.Headers.ContentLength;
            if (length is { } exact && exact <= Array.MaxLength)
            {
                var size = (int)exact;
                var rent = pooled && size <= MaxPooledLength;
                var buffer = rent ? ArrayPool<byte>.Shared.Rent(size) : new byte[size];
                var filled = 0;
                try
                {
                    while (filled < size)
                    {
                        var read = await idle.ReadAsync(stream, buffer.AsMemory(filled, size - filled)).ConfigureAwait(false);
                        if (read == 0)
                        {
                            throw new EndOfStreamException($"the response body ended after {filled} of {exact} bytes");
                        }

                        filled += read;
                    }
                }
                catch when (rent)
                {
                    Return(buffer, filled);
                    throw;
                }

                return (buffer, size, rent);
            }

            return await ReadChunkedAsync(stream, idle, pooled).ConfigureAwait(false);
        }
    }

    private static async Task<(byte[] Buffer, int Length, bool Rented)> ReadChunkedAsync(Stream stream, IdleReads idle, bool pooled)
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
                        return Concat(chunks, total + last, last, pooled);
                    }

                    last += read;
                }

                total += last;
            }
        }
        finally
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                Return(chunks[i], i == chunks.Count - 1 ? last : chunks[i].Length);
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

    private static (byte[] Buffer, int Length, bool Rented) Concat(List<byte[]> chunks, long total, int lastLength, bool pooled)
    {
        if (total > Array.MaxLength)
        {
            throw new InvalidDataException($"response body of {total} bytes is too large");
        }

        var rent = pooled && total <= MaxPooledLength;
        var result = rent ? ArrayPool<byte>.Shared.Rent((int)total) : new byte[total];
        var offset = 0;
        for (var i = 0; i < chunks.Count; i++)
        {
            var count = i == chunks.Count - 1 ? lastLength : chunks[i].Length;
            chunks[i].AsSpan(0, count).CopyTo(result.AsSpan(offset));
            offset += count;
        }

        return (result, (int)total, rent);
    }
}
