using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Clusterpedia.Kube.Tests.Client;

/// <summary>
/// A real HTTP/1.1 server on a loopback socket whose answers a test scripts byte by byte: the failures an apiserver
/// or a network produces (503, 429 with Retry-After, a stream that goes silent) that the simulator does not.
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, string, Stream, CancellationToken, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly X509Certificate2? _serverCertificate;
    private readonly bool _requireClientCertificate;
    private int _requests;

    public RawHttpServer(
        Func<int, string, Stream, CancellationToken, Task> handler,
        X509Certificate2? serverCertificate = null,
        bool requireClientCertificate = false)
    {
        _handler = handler;
        _serverCertificate = serverCertificate;
        _requireClientCertificate = requireClientCertificate;
        _listener.Start();
        _accept = AcceptLoopAsync();
    }

    public Uri Url => new($"{(_serverCertificate is null ? "http" : "https")}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Subject of the client certificate of the last TLS connection, if the client sent one.</summary>
    public string? LastClientSubject { get; private set; }

    public static Task WriteAsync(Stream stream, int status, string body, string extraHeaders = "", CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n{extraHeaders}\r\n";
        return stream.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(bytes).ToArray(), cancellationToken).AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            Stream stream = client.GetStream();
            if (_serverCertificate is not null)
            {
                var ssl = new SslStream(stream);
                try
                {
                    await ssl.AuthenticateAsServerAsync(
                        new SslServerAuthenticationOptions
                        {
                            ServerCertificate = _serverCertificate,
                            ClientCertificateRequired = _requireClientCertificate,
                            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null || !_requireClientCertificate,
                        },
                        _stop.Token);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                {
                    await ssl.DisposeAsync();
                    return;
                }

                LastClientSubject = ssl.RemoteCertificate?.Subject;
                stream = ssl;
            }

            var head = new StringBuilder();
            var buffer = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(buffer, _stop.Token) == 0)
                {
                    return;
                }

                head.Append((char)buffer[0]);
            }

            var index = Interlocked.Increment(ref _requests);
            try
            {
                await _handler(index, head.ToString(), stream, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }
}
