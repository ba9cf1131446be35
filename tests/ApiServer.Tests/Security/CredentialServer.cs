using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// The real server on a loopback port with SQLite in a given directory, real token authentication and the standalone
/// policy (admin, in system:masters, may update pediaclusters; viewer may only read), and every log record captured at
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

    public const string AdminToken = "admin-token-0123456789";
    public const string ViewerToken = "viewer-token-0123456789";

    public Uri Url { get; }

    public CapturedLogs Logs { get; }

    public string Database { get; private init; } = "";

    public static async Task<CredentialServer> StartAsync(string directory, params IEnumerable<string> options)
    {
        var logs = new CapturedLogs();
        var database = Path.Combine(directory, "clusterpedia.db");
        // Real authentication and the standalone policy: admin (system:masters) may update PediaClusters, viewer may read.
        var tokens = Path.Combine(directory, "tokens.csv");
        await File.WriteAllTextAsync(tokens, $"{AdminToken},admin,uid-admin,\"system:masters\"\n{ViewerToken},viewer,uid-viewer\n");
        var app = ServerApp.Create(
        [
            // HTTPS with the generated self-signed pair (kubectl sends bearer tokens only over TLS).
            "--urls", "https://127.0.0.1:0",
            "--token-auth-file", tokens,
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
