using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.Kube.Tests.Client;

/// <summary>
/// The simulator's own log, kept in memory so a test can see what reached the server: its request log
/// ("{Method} {Path} -> {StatusCode}") counts a client's attempts; Kestrel's connection log also counts attempts that
/// never became a logged request (a failed TLS handshake, a request a down cluster cut).
/// Pass <see cref="Factory"/> to <c>SimulatedCluster.StartAsync</c>.
/// </summary>
internal sealed class SimulatorLog : IDisposable
{
    private const string _simulatorCategory = "Clusterpedia.KubeSim";
    private const int _requestEventId = 2;
    private const string _kestrelConnectionsCategory = "Microsoft.AspNetCore.Server.Kestrel.Connections";
    private const string _connectionStartEvent = "ConnectionStart";

    private readonly ConcurrentQueue<(string Path, int StatusCode)> _requests = new();
    private int _connections;

    public SimulatorLog() => Factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(new Provider(this)));

    public ILoggerFactory Factory { get; }

    /// <summary>TCP connections the server accepted, whether or not a request followed.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The status codes of the requests for exactly <paramref name="path"/>, in the order they were answered.</summary>
    public IReadOnlyList<int> StatusCodes(string path) =>
        [.. _requests.Where(r => string.Equals(r.Path, path, StringComparison.Ordinal)).Select(r => r.StatusCode)];

    /// <summary>
    /// Waits until <paramref name="count"/> requests for <paramref name="path"/> are logged: the simulator logs a request
    /// just after answering it, so the client can see an answer a moment before its log line exists.
    /// </summary>
    public async Task<IReadOnlyList<int>> WaitForRequestsAsync(string path, int count, CancellationToken cancellationToken = default)
    {
        await WaitAsync(
            () => StatusCodes(path).Count >= count,
            () => $"the simulator logged [{string.Join(", ", StatusCodes(path))}] for {path} within 10s, expected {count} requests",
            cancellationToken);
        return StatusCodes(path);
    }

    /// <summary>Waits until the server has accepted <paramref name="count"/> TCP connections.</summary>
    public Task WaitForConnectionsAsync(int count, CancellationToken cancellationToken = default) =>
        WaitAsync(() => Connections >= count, () => $"the simulator accepted {Connections} connections within 10s, expected {count}", cancellationToken);

    /// <summary>Disposes the logger factory; call after the cluster that logs into it has stopped.</summary>
    public void Dispose() => Factory.Dispose();

    private static async Task WaitAsync(Func<bool> done, Func<string> failure, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (!done())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(failure());
            }
        }
    }

    private sealed class Provider(SimulatorLog log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Recorder(log, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Recorder(SimulatorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (category == _simulatorCategory && eventId.Id == _requestEventId && state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                var path = fields.FirstOrDefault(f => f.Key == "Path").Value as string ?? string.Empty;
                var statusCode = fields.FirstOrDefault(f => f.Key == "StatusCode").Value is int code ? code : 0;
                log._requests.Enqueue((path, statusCode));
            }
            else if (category == _kestrelConnectionsCategory && eventId.Name == _connectionStartEvent)
            {
                Interlocked.Increment(ref log._connections);
            }
        }
    }
}
