using System.Net.Sockets;
using System.Text;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// HTTP/1.1 over a bare socket, for requests HttpClient will not send (malformed chunking) or cannot finish
/// (a body the server refuses before reading it all: the server answers and closes while the client still
/// writes, which HttpClient reports as a broken pipe instead of the answer).
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="head"/> (request line and headers, no blank line) and the body bytes; returns the status line and body.</summary>
    public static async Task<(int Code, string Body)> SendAsync(Uri server, string head, byte[] body)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        using var stream = client.GetStream();
        var writing = WriteIgnoringResetAsync(stream, Encoding.ASCII.GetBytes($"{head}\r\nHost: {server.Authority}\r\nConnection: close\r\n\r\n"), body, timeout.Token);
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer arrived: the server closed with request bytes unread, as it may.
        }

        await writing;
        return Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    private static async Task WriteIgnoringResetAsync(NetworkStream stream, byte[] head, byte[] body, CancellationToken ct)
    {
        try
        {
            await stream.WriteAsync(head, ct);
            for (var at = 0; at < body.Length; at += 64 * 1024)
            {
                await stream.WriteAsync(body.AsMemory(at, Math.Min(64 * 1024, body.Length - at)), ct);
            }
        }
        catch (IOException)
        {
            // The server stopped reading: expected when it refuses the body.
        }
    }

    private static (int Code, string Body) Parse(string text)
    {
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headerEnd < 0)
        {
            throw new IOException($"no complete response: {text}");
        }

        var headers = text[..headerEnd].Split("\r\n");
        var code = int.Parse(headers[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var body = text[(headerEnd + 4)..];
        if (!headers.Any(h => h.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return (code, body);
        }

        var decoded = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[at..lineEnd], 16);
            if (size == 0)
            {
                return (code, decoded.ToString());
            }

            decoded.Append(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
