using System.Buffers;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// Reads a response body into one exactly-sized array: with Content-Length straight in, otherwise through pooled
/// chunks copied once at the end, so a page costs about twice its size at peak rather than the 3-4x of a growing
/// MemoryStream.
/// </summary>
internal static class ResponseBody
{
    internal const int ChunkSize = 64 * 1024;

    public static async Task<byte[]> ReadAllAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = content.Headers.ContentLength;
            if (length is { } exact && exact <= Array.MaxLength)
            {
                var buffer = new byte[exact];
                await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
                return buffer;
            }

            return await ReadChunkedAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<byte[]> ReadChunkedAsync(Stream stream, CancellationToken cancellationToken)
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
                    var read = await stream.ReadAsync(chunk.AsMemory(last), cancellationToken).ConfigureAwait(false);
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
