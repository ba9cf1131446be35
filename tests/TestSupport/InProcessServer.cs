using Clusterpedia.ApiServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.TestSupport;

/// <summary>
/// The real server (<see cref="ServerApp"/>) started in-process on a free loopback port with SQLite in a directory
/// of the caller's, warnings-only logging, and the caller's options after those (a later option wins), e.g.
/// <c>["--Storage:TombstoneRetention", "00:00:02"]</c> or <c>["--host-kubeconfig", path]</c>.
/// <see cref="StartAsync"/> runs it as a local experiment (plain HTTP, <c>--insecure-http --insecure-skip-auth</c>),
/// as most tests want; <see cref="StartSecureAsync"/> runs the secure default (HTTPS, authentication, authorization).
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The server's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Url { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the server without TLS or authentication; a server that fails to start (invalid options) is disposed and the error thrown.</summary>
    public static Task<InProcessServer> StartAsync(string directory, params IEnumerable<string> options) =>
        StartWithAsync(directory, ["--urls", "http://127.0.0.1:0", "--insecure-http", "--insecure-skip-auth", .. options]);

    /// <summary>
    /// Starts the server as it runs by default: HTTPS on a loopback port (a self-signed certificate in the directory's
    /// <c>certs</c> unless the options give one), authentication and authorization on.
    /// </summary>
    public static Task<InProcessServer> StartSecureAsync(string directory, params IEnumerable<string> options) =>
        StartWithAsync(directory, ["--urls", "https://127.0.0.1:0", .. options]);

    /// <summary>The secure default with the builder adjusted first (e.g. a log provider that captures every record).</summary>
    public static Task<InProcessServer> StartSecureConfiguredAsync(string directory, Action<WebApplicationBuilder> configure, params IEnumerable<string> options) =>
        StartWithAsync(directory, ["--urls", "https://127.0.0.1:0", .. options], configure);

    private static async Task<InProcessServer> StartWithAsync(string directory, IEnumerable<string> options, Action<WebApplicationBuilder>? configure = null)
    {
        var app = ServerApp.Create(
        [
            "--Storage:Engine", "sqlite",
            "--Storage:ConnectionString", $"Data Source={Path.Combine(directory, "clusterpedia.db")}",
            "--Logging:LogLevel:Default", "Warning",

            // The simulated members listen on 127.0.0.1, which the outbound policy refuses by default.
            "--Synchro:AllowLoopbackTargets", "true",
            .. options,
        ], configure);
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
        return new InProcessServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
