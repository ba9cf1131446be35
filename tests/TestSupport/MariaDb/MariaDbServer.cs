using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace Clusterpedia.TestSupport.MariaDb;

/// <summary>
/// A private MariaDB: mariadb-install-db in a temporary directory, mariadbd started on a free loopback port (never a
/// system service). The tests share one per test process (<see cref="SharedAsync"/>, stopped by
/// <see cref="MariaDbServerLifetime"/> when the last collection using it is done); the benchmark starts its own with
/// production-like settings (<see cref="StartAsync"/>) and disposes it. As root the server runs with --user=root
/// (mariadbd refuses root otherwise). A server left behind by a killed owner (its pid in <c>owner.pid</c> is gone) is
/// stopped by the next start.
/// </summary>
public sealed class MariaDbServer : IAsyncDisposable
{
    private const string _serverBinary = "/usr/sbin/mariadbd";
    private const string _installBinary = "/usr/bin/mariadb-install-db";
    // The tests' server: small, and without flushing at commit (durability is not under test, speed is).
    private static readonly string[] _testSettings =
        ["innodb-flush-log-at-trx-commit=0", "innodb-doublewrite=0", "innodb-buffer-pool-size=128M", "max-connections=300"];

    private static readonly SharedInstance<MariaDbServer> _shared =
        new(() => StartAsync(_testSettings, CancellationToken.None), server => server.DisposeAsync().AsTask());

    private readonly string _directory;
    private readonly Process _process;
    private readonly bool _kept;
    private bool _stopped;

    private MariaDbServer(string directory, int port, Process process, IReadOnlyList<string> settings, bool kept, bool reused)
    {
        _directory = directory;
        Port = port;
        _process = process;
        Settings = settings;
        _kept = kept;
        Reused = reused;
    }

    public int Port { get; }

    /// <summary>True when a kept directory already held a data directory, which this start reused instead of creating.</summary>
    public bool Reused { get; }

    /// <summary>The server's directory (data, socket, log).</summary>
    public string Root => _directory;

    /// <summary>The <c>name=value</c> server settings it runs with (each passed as <c>--name=value</c>).</summary>
    public IReadOnlyList<string> Settings { get; }

    public string ConnectionString(string database) =>
        $"Server=127.0.0.1;Port={Port};User ID=root;Database={database};Pooling=true;Maximum Pool Size=20;Connection Timeout=30;Default Command Timeout=120";

    /// <summary>The server of this test process, started on first use.</summary>
    public static Task<MariaDbServer> SharedAsync() => _shared.GetAsync();

    /// <summary>Holds the shared server (started on first use) for a collection fixture until <see cref="ReleaseSharedAsync"/>.</summary>
    public static Task<MariaDbServer> AcquireSharedAsync() => _shared.AcquireAsync();

    /// <summary>Lets go of the shared server; the last holder to let go stops it.</summary>
    public static Task ReleaseSharedAsync() => _shared.ReleaseAsync();

    /// <summary>A new empty database on this server.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new MySqlConnection(ConnectionString(""));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();

        // The name is ours (prefix constant + hex), never input.
        command.CommandText = $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>
    /// Starts a server of its own for the caller, who disposes it. <paramref name="settings"/> are <c>name=value</c>
    /// mariadbd options (e.g. <c>innodb-buffer-pool-size=4G</c>); the binary log and performance schema are off.
    /// With <paramref name="keptDirectory"/> (the benchmark's <c>--mysql-data</c>) the data lives there: created on
    /// the first start, started again by later ones, and on dispose the server is shut down cleanly and the
    /// directory left in place.
    /// </summary>
    public static async Task<MariaDbServer> StartAsync(IReadOnlyList<string> settings, CancellationToken cancellationToken, string? keptDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!File.Exists(_serverBinary) || !File.Exists(_installBinary))
        {
            throw new InvalidOperationException(
                $"MariaDB server binaries are missing ({_serverBinary}, {_installBinary}): the MySQL storage tests need them. " +
                "Install them with: apt-get install -y mariadb-server");
        }

        var asRoot = Environment.UserName == "root";
        RemoveStaleServers();
        var directory = keptDirectory ?? Path.Combine(Path.GetTempPath(), "clusterpedia-mariadb-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(directory);
        List<string> user = asRoot ? ["--user=root"] : [];
        var reused = keptDirectory is not null && Directory.Exists(Path.Combine(data, "mysql"));
        if (keptDirectory is null)
        {
            // Only a throw-away directory has an owner whose death makes it stale (RemoveStaleServers).
            await File.WriteAllTextAsync(Path.Combine(directory, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken);
        }

        if (!reused)
        {
            await RunAsync(_installBinary,
                ["--no-defaults", $"--datadir={data}", "--auth-root-authentication-method=normal", "--skip-test-db", .. user], cancellationToken);
        }

        var port = FreePort();
        var info = new ProcessStartInfo(_serverBinary)
        {
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "--no-defaults", $"--datadir={data}", $"--port={port}", "--bind-address=127.0.0.1",
            $"--socket={Path.Combine(directory, "sock")}", $"--pid-file={Path.Combine(directory, "mariadbd.pid")}",
            $"--log-error={Path.Combine(directory, "server.log")}", "--skip-log-bin", "--skip-performance-schema",
            .. settings.Select(setting => "--" + setting), .. user,
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {_serverBinary}");
        var server = new MariaDbServer(directory, port, process, settings, kept: keptDirectory is not null, reused);
        try
        {
            await server.WaitReadyAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>VERSION() of the server, e.g. <c>10.11.19-MariaDB-0+deb12u1</c>.</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(ConnectionString(""));
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT VERSION()";
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) ?? "";
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new MySqlConnection(ConnectionString("") + ";Pooling=false");
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (MySqlException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (MySqlException e)
            {
                var log = Path.Combine(_directory, "server.log");
                throw new InvalidOperationException(
                    $"mariadbd did not accept connections on port {Port}: {e.Message}\n{(File.Exists(log) ? await File.ReadAllTextAsync(log, CancellationToken.None) : "")}", e);
            }
        }
    }

    /// <summary>
    /// Stops the server and deletes its directory; a kept one is shut down cleanly (so the next start needs no crash
    /// recovery) and stays. Runs once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        MySqlConnection.ClearAllPools();
        if (_kept && !_process.HasExited)
        {
            await ShutdownAsync();
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (!_kept)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task ShutdownAsync()
    {
        try
        {
            await using (var connection = new MySqlConnection(ConnectionString("") + ";Pooling=false"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "SHUTDOWN";
                await command.ExecuteNonQueryAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is MySqlException or OperationCanceledException)
        {
            // Killed below: InnoDB recovers the kept data at the next start.
        }
    }

    /// <summary>Stops and removes the servers of earlier runs whose test host is gone (a killed host cannot clean up).</summary>
    private static void RemoveStaleServers()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "clusterpedia-mariadb-*"))
        {
            var ownerFile = Path.Combine(directory, "owner.pid");
            var stale = File.Exists(ownerFile)
                ? !int.TryParse(File.ReadAllText(ownerFile), out var owner) || !IsAlive(owner)
                : Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddHours(-1);
            if (!stale)
            {
                continue;
            }

            // The server of that run: its own pid file, written by mariadbd in the run's directory.
            var pidFile = Path.Combine(directory, "mariadbd.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && IsAlive(pid))
            {
                using var process = Process.GetProcessById(pid);
                if (process.ProcessName.StartsWith("mariadbd", StringComparison.Ordinal))
                {
                    process.Kill();
                    process.WaitForExit(10_000);
                }
            }

            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use by someone else: leave it.
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
