using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Clusterpedia.Kube.Tests.Config;

/// <summary>
/// A small real proxy on a loopback port for the proxy-url tests: HTTP CONNECT or SOCKS5 (no authentication), one
/// tunnel per connection, counted, with the targets it was asked for.
/// </summary>
public sealed class TunnelProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _socks;
    private readonly Task _accepting;
    private int _tunnels;

    public TunnelProxy(bool socks5)
    {
        _socks = socks5;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"{(_socks ? "socks5" : "http")}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public int Tunnels => Volatile.Read(ref _tunnels);

    public System.Collections.Concurrent.ConcurrentQueue<string> Targets { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (host, port) = _socks ? await Socks5HandshakeAsync(stream) : await ConnectHandshakeAsync(stream);
                Targets.Enqueue($"{host}:{port}");
                using var upstream = new TcpClient();
                await upstream.ConnectAsync(host, port, _stop.Token);
                Interlocked.Increment(ref _tunnels);
                await (_socks
                    ? stream.WriteAsync(new byte[] { 5, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, _stop.Token)
                    : stream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), _stop.Token));
                var target = upstream.GetStream();
                await Task.WhenAny(stream.CopyToAsync(target, _stop.Token), target.CopyToAsync(stream, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException)
            {
                // The client or the target went away: the tunnel ends.
            }
        }
    }

    // "CONNECT host:port HTTP/1.1" and headers up to the blank line.
    private async Task<(string Host, int Port)> ConnectHandshakeAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0 || head.Length > 8192)
            {
                throw new InvalidDataException("no CONNECT request");
            }

            head.Append((char)one[0]);
        }

        var line = head.ToString().Split("\r\n")[0].Split(' ');
        if (line.Length < 2 || line[0] != "CONNECT")
        {
            throw new InvalidDataException("not CONNECT");
        }

        var colon = line[1].LastIndexOf(':');
        return (line[1][..colon].Trim('[', ']'), int.Parse(line[1][(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    // RFC 1928: greeting with "no authentication", then CONNECT with an IPv4, IPv6 or domain-name target.
    private async Task<(string Host, int Port)> Socks5HandshakeAsync(NetworkStream stream)
    {
        var greeting = await ReadExactlyAsync(stream, 2);
        await ReadExactlyAsync(stream, greeting[1]);
        await stream.WriteAsync(new byte[] { 5, 0 }, _stop.Token);
        var request = await ReadExactlyAsync(stream, 4);
        if (request[0] != 5 || request[1] != 1)
        {
            throw new InvalidDataException("not a SOCKS5 CONNECT");
        }

        var host = request[3] switch
        {
            1 => new IPAddress(await ReadExactlyAsync(stream, 4)).ToString(),
            4 => new IPAddress(await ReadExactlyAsync(stream, 16)).ToString(),
            3 => Encoding.ASCII.GetString(await ReadExactlyAsync(stream, (await ReadExactlyAsync(stream, 1))[0])),
            _ => throw new InvalidDataException("unknown SOCKS5 address type"),
        };
        var port = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(stream, 2));
        return (host, port);
    }

    private async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, _stop.Token);
        return buffer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
