using Clusterpedia.ApiServer.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// The real server on a loopback port with SQLite in a given directory, with a <see cref="PolicyAccessReviewer"/> (only
/// "admin" may update pediaclusters), users from <see cref="TestUserStartupFilter"/>, and every log record captured at
/// Trace level.
/// </summary>
internal sealed class CredentialServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CredentialServer(WebApplication app, Uri url, CapturedLogs logs)
    {
        _app = app;
        Url = url;
        Logs = logs;
    }

    public Uri Url { get; }

    public CapturedLogs Logs { get; }

    public string Database { get; private init; } = "";

    public static async Task<CredentialServer> StartAsync(string directory, params IEnumerable<string> options)
    {
        var logs = new CapturedLogs();
        var database = Path.Combine(directory, "clusterpedia.db");
        var app = ServerApp.Create(
        [
            "--urls", "http://127.0.0.1:0",
            "--Storage:Engine", "sqlite",
            "--Storage:ConnectionString", $"Data Source={database}",
            "--Logging:LogLevel:Default", "Trace",
            "--Synchro:AllowLoopbackTargets", "true",
            "--Synchro:HealthInterval", "00:00:01",
            .. options,
        ], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton<IAccessReviewer>(new PolicyAccessReviewer("admin"));
            builder.Services.AddSingleton<IStartupFilter, TestUserStartupFilter>();
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CredentialServer(app, new Uri(address), logs) { Database = database };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
