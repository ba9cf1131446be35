using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.Hostile;

/// <summary>
/// Sends one corpus case and judges the answer: no 5xx, an answer within <see cref="Budget"/>, and every 4xx a
/// Kubernetes Status whose code matches. Bodies are read up to 1 MiB so that an input that expands
/// on the server does not expand in the test.
/// </summary>
public sealed class CorpusRunner(HttpClient http)
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan _streamSample = TimeSpan.FromSeconds(1);
    private const int _maxBody = 1 << 20;

    // Bodies this large go over a bare socket: a server may refuse them (413) and close before reading them all,
    // which HttpClient reports as a broken pipe instead of the answer.
    private const int _largeBody = 1 << 20;

    public async Task<CaseResult> RunAsync(HostileCase c, Uri server)
    {
        var clock = Stopwatch.StartNew();
        using var budget = new CancellationTokenSource(Budget);
        try
        {
            var (status, body, bodyComplete, contentType) = c.Raw is not null
                ? await SendRawAsync(c, c.Raw, server, budget.Token)
                : c.Body is { Length: > _largeBody }
                    ? await SendRawAsync(c, LargeRequest(c, server), server, budget.Token)
                    : await SendHttpAsync(c, server, budget.Token);
            return new CaseResult(c, status, clock.Elapsed, Judge(c, status, body, bodyComplete, contentType));
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            return new CaseResult(c, 0, clock.Elapsed, $"no answer within {Budget.TotalSeconds:0} s");
        }
        catch (Exception e) when (c.HangsUp && e is HttpRequestException or IOException or SocketException)
        {
            return new CaseResult(c, 0, clock.Elapsed, null, ConnectionFailed: true);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException)
        {
            return new CaseResult(c, 0, clock.Elapsed, "connection failed: " + e.GetBaseException().Message, ConnectionFailed: true);
        }
    }

    private static string? Judge(HostileCase c, int status, byte[] body, bool bodyComplete, string? contentType)
    {
        if (status >= 500)
        {
            return $"{status}: {Snippet(body)}";
        }

        if (status is < 100)
        {
            return "no status line";
        }

        if (c.ExpectClientError && status < 400)
        {
            return $"{status} (accepted; expected a 4xx refusal)";
        }

        if (status < 400 || c.Method == "HEAD")
        {
            return null;
        }

        // Kestrel enforces its request-line and header limits (414, 431) and HTTP framing before any application
        // code runs, and answers with an empty body, as Go's net/http does for kube-apiserver.
        if (body.Length == 0 && (c.ProtocolLevel || status is 414 or 431))
        {
            return null;
        }

        if (!bodyComplete)
        {
            return $"{status} with a body over {_maxBody} bytes";
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out var kind) || kind.GetString() != "Status")
            {
                return $"{status} body is not a Status ({contentType}): {Snippet(body)}";
            }

            if (!root.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Number || code.GetInt32() != status)
            {
                return $"{status} Status has code {(root.TryGetProperty("code", out var cc) ? cc.ToString() : "(none)")}";
            }

            return null;
        }
        catch (JsonException)
        {
            return $"{status} body is not JSON ({contentType}): {Snippet(body)}";
        }
    }

    private static string Snippet(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)).ReplaceLineEndings(" ");
        return text.Length == 0 ? "(empty)" : text;
    }

    private async Task<(int, byte[], bool, string?)> SendHttpAsync(HostileCase c, Uri server, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), new Uri(server.GetLeftPart(UriPartial.Authority) + c.PathAndQuery));
        foreach (var (name, value) in c.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Body);
            if (c.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
            }
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var status = (int)response.StatusCode;
        var streaming = c.Streams && status < 300;
        using var sample = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (streaming)
        {
            sample.CancelAfter(_streamSample);
        }

        var buffer = new MemoryStream();
        var complete = true;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(sample.Token);
            complete = await CopyBoundedAsync(stream, buffer, sample.Token);
        }
        catch (OperationCanceledException) when (streaming && !cancellationToken.IsCancellationRequested)
        {
            complete = false;
        }

        return (status, buffer.ToArray(), complete, response.Content.Headers.ContentType?.ToString());
    }

    private static async Task<bool> CopyBoundedAsync(Stream from, MemoryStream to, CancellationToken cancellationToken)
    {
        var chunk = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return true;
            }

            to.Write(chunk, 0, read);
            if (to.Length > _maxBody)
            {
                return false;
            }
        }
    }

    /// <summary>The request of an HTTP case as bytes, with Content-Length and Connection: close.</summary>
    private static byte[] LargeRequest(HostileCase c, Uri server)
    {
        var head = new StringBuilder($"{c.Method} {c.PathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n");
        foreach (var (name, value) in c.Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (c.ContentType is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: {c.ContentType}\r\n");
        }

        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {c.Body!.Length}\r\n\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. c.Body];
    }

    /// <summary>
    /// Writes the bytes while reading the answer (half-closing when the case hangs up), reads until the server closes,
    /// parses the answer. A server that answers and stops reading mid-body is fine: the write error is ignored.
    /// </summary>
    private static async Task<(int, byte[], bool, string?)> SendRawAsync(HostileCase c, byte[] raw, Uri server, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = client.GetStream();
        var writing = WriteIgnoringResetAsync(client, stream, raw, c.HangsUp, cancellationToken);
        var buffer = new MemoryStream();
        bool complete;
        try
        {
            complete = await CopyBoundedAsync(stream, buffer, cancellationToken);
        }
        catch (IOException) when (buffer.Length > 0)
        {
            // A reset after the answer arrived: the server closed with request bytes unread, as it may.
            complete = true;
        }

        await writing;
        var bytes = buffer.ToArray();
        var headerEnd = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            throw new IOException($"connection closed after {bytes.Length} bytes without a complete response head");
        }

        var head = Encoding.Latin1.GetString(bytes, 0, headerEnd).Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = head.Skip(1).Select(h => h.Split(':', 2)).Where(h => h.Length == 2)
            .ToDictionary(h => h[0].Trim(), h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = bytes[(headerEnd + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return (status, body, complete, headers.GetValueOrDefault("Content-Type"));
    }

    private static async Task WriteIgnoringResetAsync(TcpClient client, NetworkStream stream, byte[] raw, bool hangUp, CancellationToken cancellationToken)
    {
        try
        {
            for (var at = 0; at < raw.Length; at += 64 * 1024)
            {
                await stream.WriteAsync(raw.AsMemory(at, Math.Min(64 * 1024, raw.Length - at)), cancellationToken);
            }

            if (hangUp)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The server stopped reading: expected when it refuses the request early.
        }
    }

    private static byte[] Dechunk(byte[] body)
    {
        var result = new MemoryStream();
        var at = 0;
        while (at < body.Length)
        {
            var lineEnd = body.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, at, lineEnd).Split(';')[0], 16);
            at += lineEnd + 2;
            if (size == 0 || at + size > body.Length)
            {
                break;
            }

            result.Write(body, at, size);
            at += size + 2;
        }

        return result.ToArray();
    }
}
