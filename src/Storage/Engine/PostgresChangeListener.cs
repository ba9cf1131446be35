using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// Keeps ONE dedicated connection per process LISTENing on <see cref="PostgresDialect.ChangeChannel"/> and wakes the
/// process's watches on every notification. After (re)connecting it wakes them once, for what committed while it was
/// down. A broken connection is reopened with exponential backoff (1 s doubling to 30 s); while it is down
/// <see cref="StoreChangeNotifier.Listening"/> is false and watches poll at the short interval. An idle connection is
/// checked every 15 s with a round trip, so a silently dropped one is noticed. Does nothing on other engines.
/// </summary>
internal sealed class PostgresChangeListener(StorageEngine engine, ILoggerFactory loggerFactory) : BackgroundService
{
    private static readonly TimeSpan _idleCheck = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan _firstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _maxBackoff = TimeSpan.FromSeconds(30);
    private readonly ILogger _logger = loggerFactory.CreateLogger("Clusterpedia.Storage");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (engine.Dialect is not PostgresDialect dialect)
        {
            return;
        }

        var notifier = engine.Notifier;
        var backoff = _firstBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await engine.EnsureSchemaAsync(stoppingToken).ConfigureAwait(false);
                var connection = dialect.CreateListenConnection();
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, e) =>
                    {
                        // The payload is the last revision the transaction took (see PostgresDialect).
                        if (long.TryParse(e.Payload, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var committed))
                        {
                            notifier.Signal(committed);
                        }
                        else
                        {
                            notifier.Signal();
                        }
                    };
                    await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                    await using (var listen = new NpgsqlCommand($"LISTEN {PostgresDialect.ChangeChannel}", connection))
                    {
                        await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                    }

                    notifier.Listening = true;
                    notifier.Signal();
                    Log.ListenStarted(_logger, PostgresDialect.ChangeChannel);
                    backoff = _firstBackoff;
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        if (!await connection.WaitAsync(_idleCheck, stoppingToken).ConfigureAwait(false))
                        {
                            await using var ping = new NpgsqlCommand("SELECT 1", connection);
                            await ping.ExecuteScalarAsync(stoppingToken).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or IOException or OperationCanceledException)
            {
                notifier.Listening = false;
                Log.ListenFailed(_logger, PostgresDialect.ChangeChannel, backoff.TotalSeconds, e);
            }

            try
            {
                await Task.Delay(backoff, engine.Time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _maxBackoff.Ticks));
        }

        notifier.Listening = false;
    }
}
