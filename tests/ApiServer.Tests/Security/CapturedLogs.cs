using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>Every log record of a server, as text: message, every structured value and the exception, at every level.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _records = new();

    public string Text => string.Join('\n', _records);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IReadOnlyList<KeyValuePair<string, object?>> list ? string.Join(' ', list.Select(kv => $"{kv.Key}={kv.Value}")) : "";
            owner._records.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}
