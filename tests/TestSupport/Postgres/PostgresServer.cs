using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Clusterpedia.TestSupport.Postgres;

/// <summary>
/// A private PostgreSQL 15 for the test run: initdb in a temporary directory, started on a free loopback port once
/// per test process and stopped by <see cref="PostgresServerLifetime"/> when the last test collection using it is done.
/// initdb refuses root, so as root the directory is given to the postgres user and the binaries run through runuser.
/// A server left behind by a killed test host (its pid in <c>owner.pid</c> is gone) is stopped by the next run.
/// </summary>
public sealed class PostgresServer
{
    internal const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private static readonly SharedInstance<PostgresServer> _shared = new(StartAsync, server => server.StopAsync());

    private readonly string _directory;
    private readonly string _dataDirectory;
    private readonly bool _asRoot;

    private PostgresServer(string directory, int port, bool asRoot)
    {
        _directory = directory;
        _dataDirectory = Path.Combine(directory, "data");
        Port = port;
        _asRoot = asRoot;
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20;Timeout=30;Command Timeout=120";

    /// <summary>
    /// A hot standby of this server (pg_basebackup -R, streaming replication through its own slot) on its own port,
    /// stopped and removed, slot included, when disposed. Every database of this server, created before or after, is on it.
    /// </summary>
    public Task<PostgresStandby> StartStandbyAsync() => PostgresStandby.StartAsync(this);

    internal bool AsRoot => _asRoot;

    /// <summary>The server of this test process, started on first use.</summary>
    public static Task<PostgresServer> SharedAsync() => _shared.GetAsync();

    /// <summary>Holds the shared server (started on first use) for a collection fixture until <see cref="ReleaseSharedAsync"/>.</summary>
    public static Task<PostgresServer> AcquireSharedAsync() => _shared.AcquireAsync();

    /// <summary>Lets go of the shared server; the last holder to let go stops it.</summary>
    public static Task ReleaseSharedAsync() => _shared.ReleaseAsync();

    /// <summary>A new empty database on this server.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();

        // The name is ours (prefix constant + hex), never input.
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        await command.ExecuteNonQueryAsync();
        return name;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var initdb = Path.Combine(BinDirectory, "initdb");
        if (!File.Exists(initdb) || !File.Exists(Path.Combine(BinDirectory, "pg_ctl")))
        {
            throw new InvalidOperationException(
                $"PostgreSQL 15 server binaries are missing ({BinDirectory}/initdb, pg_ctl): the PostgreSQL storage tests need them. " +
                "Install them with: apt-get install -y postgresql-15");
        }

        var asRoot = Environment.UserName == "root";
        await RemoveStaleServersAsync(asRoot);
        var directory = await CreateOwnedDirectoryAsync();
        var server = new PostgresServer(directory, FreePort(), asRoot);
        if (asRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory], asPostgres: false);
        }

        await server.RunPostgresAsync(initdb, ["-D", server._dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]);
        await server.RunPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"),
        [
            "-D", server._dataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {server.Port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            "start",
        ]);
        return server;
    }

    /// <summary>A new temporary directory marked with this process as its owner (see <see cref="RemoveStaleServersAsync"/>).</summary>
    internal static async Task<string> CreateOwnedDirectoryAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "clusterpedia-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return directory;
    }

    private async Task StopAsync()
    {
        await RunPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"]);
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Stops and removes the servers of earlier runs whose test host is gone (a killed host cannot clean up).</summary>
    private static async Task RemoveStaleServersAsync(bool asRoot)
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "clusterpedia-pg-*"))
        {
            // Without an owner file (being created, or left by an older fixture) only an old directory is stale.
            var ownerFile = Path.Combine(directory, "owner.pid");
            var stale = File.Exists(ownerFile)
                ? !int.TryParse(await File.ReadAllTextAsync(ownerFile), out var owner) || !IsAlive(owner)
                : Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddHours(-1);
            if (!stale)
            {
                continue;
            }

            var data = Path.Combine(directory, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                try
                {
                    await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], asRoot);
                }
                catch (InvalidOperationException)
                {
                    // Already stopped (a stale pid file): remove the directory all the same.
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

    private Task RunPostgresAsync(string program, IReadOnlyList<string> arguments) => RunAsync(program, arguments, _asRoot);

    internal static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        using var process = Start(program, arguments, asPostgres);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    private static Process Start(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                info.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
