using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.Kube.Tests.Client;

public sealed class KubeClientResilienceTests
{
    private static KubeClientOptions Options(Uri url, int retries = 4) => new()
    {
        Server = url,
        MaxRetryAttempts = retries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromSeconds(2),
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task GetRawAsync_ServiceUnavailableTwice_RetriesAndSucceeds()
    {
        await using var server = new RawHttpServer((i, _, s, ct) =>
            i <= 2 ? RawHttpServer.WriteAsync(s, 503, "{}", cancellationToken: ct) : RawHttpServer.WriteAsync(s, 200, "{\"ok\":1}", cancellationToken: ct));
        using var client = new KubeClient(Options(server.Url));

        var body = await client.GetRawAsync("/api", CancellationToken.None);

        Encoding.UTF8.GetString(body).ShouldBe("{\"ok\":1}");
        server.Requests.ShouldBe(3);
    }

    [Fact]
    public async Task GetRawAsync_TooManyRequestsWithRetryAfter_WaitsThenSucceeds()
    {
        await using var server = new RawHttpServer((i, _, s, ct) =>
            i == 1 ? RawHttpServer.WriteAsync(s, 429, "{}", "Retry-After: 1\r\n", ct) : RawHttpServer.WriteAsync(s, 200, "{}", cancellationToken: ct));
        using var client = new KubeClient(Options(server.Url));
        var watch = Stopwatch.StartNew();

        await client.GetRawAsync("/api", CancellationToken.None);

        watch.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        server.Requests.ShouldBe(2);
    }

    [Fact]
    public async Task GetRawAsync_Forbidden_IsNotRetried()
    {
        await using var server = new RawHttpServer((_, _, s, ct) => RawHttpServer.WriteAsync(s, 403,
            """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods is forbidden","reason":"Forbidden","code":403}""", cancellationToken: ct));
        using var client = new KubeClient(Options(server.Url));

        var e = await Should.ThrowAsync<KubeApiException>(() => client.GetRawAsync("/api/v1/pods", CancellationToken.None));

        (e.StatusCode, e.Reason, e.StatusMessage).ShouldBe((403, "Forbidden", "pods is forbidden"));
        server.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task GetRawAsync_PersistentServerError_GivesUpWithStatus()
    {
        await using var server = new RawHttpServer((_, _, s, ct) => RawHttpServer.WriteAsync(s, 500, "boom", cancellationToken: ct));
        using var client = new KubeClient(Options(server.Url, retries: 2));

        var e = await Should.ThrowAsync<KubeApiException>(() => client.GetRawAsync("/api", CancellationToken.None));

        (e.StatusCode, e.Reason, e.StatusMessage).ShouldBe((500, "InternalError", "boom"));
        server.Requests.ShouldBe(3);
    }

    [Fact]
    public async Task GetRawAsync_ConnectionRefused_RetriesThenFailsClearly()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var client = new KubeClient(Options(new Uri($"http://127.0.0.1:{port}"), retries: 2));

        var e = await Should.ThrowAsync<KubeConnectionException>(() => client.GetRawAsync("/api", CancellationToken.None));

        e.Message.ShouldContain("refused", Case.Insensitive);
    }

    [Fact]
    public async Task WatchAsync_SilentStream_EndsWithinWatchdogPeriod()
    {
        await using var server = new RawHttpServer(async (_, _, s, ct) =>
        {
            var line = """{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}}""" + "\n";
            var chunk = $"{Encoding.UTF8.GetByteCount(line):X}\r\n{line}\r\n";
            await s.WriteAsync(Encoding.UTF8.GetBytes(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk), ct);
            // Then nothing, not even a FIN: a dead peer behind a NAT looks like this.
            await Task.Delay(Timeout.Infinite, ct);
        });
        using var watchClient = new KubeClient(new KubeClientOptions { Server = server.Url, WatchIdleTimeout = TimeSpan.FromMilliseconds(500) });
        var events = new List<WatchEvent>();
        var watch = Stopwatch.StartNew();

        await Should.ThrowAsync<WatchIdleTimeoutException>(async () =>
        {
            await foreach (var e in watchClient.WatchAsync("/api/v1/pods", new WatchRequest { ResourceVersion = "1" }, CancellationToken.None))
            {
                events.Add(e);
            }
        });

        events.Count.ShouldBe(1);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }
}
