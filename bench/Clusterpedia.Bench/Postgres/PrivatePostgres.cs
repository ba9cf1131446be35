using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Clusterpedia.Bench.Postgres;

/// <summary>
/// A throw-away PostgreSQL 15 for one benchmark run: a fresh cluster in a temporary directory on a free loopback port,
/// stopped and deleted on dispose; or a kept one (<c>--postgres-data</c>) in a directory of the caller's, created on the first
/// run, started again on later ones and only stopped on dispose. initdb refuses root, so as root the directory belongs to <c>postgres</c> and the
/// server binaries run through <c>runuser</c>.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private const string _binDirectory = "/usr/lib/postgresql/15/bin";

    private readonly string _root;
    private readonly bool _asRoot;
    private readonly bool _kept;
    private bool _started;

    private PrivatePostgres(string root, int port, bool asRoot, IReadOnlyList<string> settings, bool kept = false)
    {
        _root = root;
        _kept = kept;
        Port = port;
        _asRoot = asRoot;
        Settings = settings;
    }

    public int Port { get; }

    /// <summary>True when a kept directory already held a cluster, which this run started again instead of creating.</summary>
    public bool Reused { get; private set; }

    /// <summary>The server's root directory (the data directory and the log are under it).</summary>
    public string Root => _root;

    /// <summary>The <c>-c name=value</c> settings the server runs with (reported with the results).</summary>
    public IReadOnlyList<string> Settings { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=32;Timeout=30;Command Timeout=600";

    /// <param name="settings">The <c>-c name=value</c> server settings.</param>
    /// <param name="keptRoot">A directory to keep the cluster in between runs, or null for a throw-away one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<PrivatePostgres> StartAsync(IReadOnlyList<string> settings, string? keptRoot, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(_binDirectory, "initdb")))
        {
            throw new InvalidOperationException(
                $"PostgreSQL 15 server binaries are missing ({_binDirectory}); install them with: apt-get install -y postgresql-15");
        }

        var root = keptRoot ?? Path.Combine(Path.GetTempPath(), "clusterpedia-bench-pg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var server = new PrivatePostgres(root, FreeLoopbackPort(), Environment.UserName == "root", settings, kept: keptRoot is not null);
        try
        {
            if (server._asRoot)
            {
                await RunAsync("chown", ["postgres:postgres", root], asPostgres: false, cancellationToken);
            }

            server.Reused = File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION"));
            if (!server.Reused)
            {
                await server.RunServerToolAsync("initdb",
                    ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
                    cancellationToken);
            }

            var options = $"-p {server.Port} -k {root} -c listen_addresses=127.0.0.1 " +
                string.Join(' ', settings.Select(s => "-c " + s));
            await server.RunServerToolAsync("pg_ctl",
                ["-D", server.DataDirectory, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", options, "start"],
                cancellationToken);
            server._started = true;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A hot standby of this server (issue 17's read replica): <c>pg_basebackup -R</c> through a replication slot of its
    /// own, started with <c>hot_standby=on</c> and <c>hot_standby_feedback=on</c> on another free port; stopped and
    /// deleted on dispose (before this server, whose slot then goes with it).
    /// </summary>
    public async Task<PrivatePostgres> StartStandbyAsync(CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "clusterpedia-bench-pg-standby-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        // A hot standby refuses to start with fewer connections (and other max_ settings) than its primary.
        var standby = new PrivatePostgres(root, FreeLoopbackPort(), _asRoot,
            [.. Settings.Where(s => s.StartsWith("max_", StringComparison.Ordinal)), "hot_standby=on", "hot_standby_feedback=on"]);
        try
        {
            if (_asRoot)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", root], asPostgres: false, cancellationToken);
            }

            await standby.RunServerToolAsync("pg_basebackup",
            [
                "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-D", standby.DataDirectory,
                "-R", "-X", "stream", "-C", "-S", "bench_standby_" + Guid.NewGuid().ToString("N")[..8], "-c", "fast", "--no-sync",
            ], cancellationToken);
            var options = $"-p {standby.Port} -k {root} -c listen_addresses=127.0.0.1 " + string.Join(' ', standby.Settings.Select(s => "-c " + s));
            await standby.RunServerToolAsync("pg_ctl",
                ["-D", standby.DataDirectory, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", options, "start"],
                cancellationToken);
            standby._started = true;
            return standby;
        }
        catch
        {
            await standby.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Runs on failure and Ctrl-C too, so it must not depend on the run's cancellation token.
        if (_started)
        {
            _started = false;
            try
            {
                // A kept cluster shuts down cleanly (a checkpoint), so the next run starts without crash recovery.
                await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-m", _kept ? "fast" : "immediate", "-w", "-t", "600", "stop"], CancellationToken.None);
            }
            catch (InvalidOperationException e)
            {
                await Console.Error.WriteLineAsync($"warning: stopping PostgreSQL failed: {e.Message}");
            }
        }

        if (_kept)
        {
            await Console.Error.WriteLineAsync($"  kept PostgreSQL in {_root} (delete it to free the disk)");
            return;
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"warning: could not remove {_root}: {e.Message}");
        }
    }

    private Task RunServerToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(_binDirectory, tool), arguments, _asRoot, cancellationToken);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add("postgres");
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}"));
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
