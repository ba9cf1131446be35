using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Clusterpedia.Bench.Server;

/// <summary>
/// The real API server as a child process (<c>dotnet Clusterpedia.ApiServer.dll</c>, the build next to this program,
/// which the bench project references), so its memory is its own: RSS and peak RSS come from /proc/&lt;pid&gt;/status.
/// <c>CLUSTERPEDIA_BENCH_SERVER_DIR</c> points it at another build or publish output instead, so the idle RSS of the
/// form the image ships (hack/image.sh's self-contained publish, started as its own executable) can be read.
/// Stopped (killed by its pid) on dispose; its output goes to a log file, shown when it fails to start.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>The environment variable naming a build or publish directory of the server to run instead of the bench's own.</summary>
    public const string ServerDirectoryVariable = "CLUSTERPEDIA_BENCH_SERVER_DIR";

    private static readonly TimeSpan _startDeadline = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly string _logFile;
    private readonly StreamWriter _log;

    private ServerProcess(Process process, Uri address, string logFile, StreamWriter log)
    {
        _process = process;
        Address = address;
        _logFile = logFile;
        _log = log;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    /// <summary>
    /// Starts the server; <paramref name="extraArguments"/> are appended (roles, sharding, read replicas), and each
    /// <c>NAME=VALUE</c> of <paramref name="environment"/> is set in its environment (<c>--server-env</c>).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(
        string engine, string connectionString, string logFile, CancellationToken cancellationToken, IReadOnlyList<string>? extraArguments = null,
        IReadOnlyList<string>? environment = null)
    {
        var info = StartInfo();
        foreach (var variable in environment ?? [])
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            info.Environment[variable[..equals]] = variable[(equals + 1)..];
        }

        var port = FreeLoopbackPort();
        foreach (var argument in new[]
        {
            "--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"),
            // The benchmark measures storage and search, not TLS or authentication: the explicit local-experiment mode.
            "--insecure-http", "--insecure-skip-auth",
            "--Storage:Engine", engine, "--Storage:ConnectionString", connectionString,
            "--Logging:LogLevel:Default", "Warning",
            "--Synchro:AllowLoopbackTargets", "true",
        })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var argument in extraArguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")), logFile, log);
        try
        {
            using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the server exited with {process.ExitCode}: {server.LogTail()}");
                }

                try
                {
                    using var response = await http.GetAsync("healthz", cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // listening but not answering within the client's timeout yet (a loaded machine): ask again
                }

                if (clock.Elapsed > _startDeadline)
                {
                    throw new InvalidOperationException($"the server did not answer /healthz within {_startDeadline.TotalSeconds} s: {server.LogTail()}");
                }

                await Task.Delay(200, cancellationToken);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// How to start the server: a self-contained publish (its directory holds the runtime, libcoreclr.so) runs as its
    /// own executable, as the container image does; any other build runs on the shared runtime through <c>dotnet</c>.
    /// </summary>
    private static ProcessStartInfo StartInfo()
    {
        var configured = Environment.GetEnvironmentVariable(ServerDirectoryVariable);
        var directory = string.IsNullOrEmpty(configured) ? AppContext.BaseDirectory : Path.GetFullPath(configured);
        var executable = Path.Combine(directory, "Clusterpedia.ApiServer");
        var dll = Path.Combine(directory, "Clusterpedia.ApiServer.dll");
        ProcessStartInfo info;
        if (File.Exists(Path.Combine(directory, "libcoreclr.so")) && File.Exists(executable))
        {
            info = new ProcessStartInfo(executable);
        }
        else if (File.Exists(dll))
        {
            info = new ProcessStartInfo("dotnet");
            info.ArgumentList.Add(dll);
        }
        else
        {
            throw new InvalidOperationException(string.IsNullOrEmpty(configured)
                ? $"the server build is missing: {dll}"
                : $"{ServerDirectoryVariable}={configured} holds neither a self-contained publish (Clusterpedia.ApiServer beside libcoreclr.so) nor Clusterpedia.ApiServer.dll");
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }

    /// <summary>Resident set size now (VmRSS).</summary>
    public long RssBytes() => Status("VmRSS:");

    /// <summary>The largest resident set size so far (VmHWM).</summary>
    public long PeakRssBytes() => Status("VmHWM:");

    public string LogTail()
    {
        try
        {
            using var stream = new FileStream(_logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            return string.Join('\n', lines.TakeLast(30));
        }
        catch (IOException e)
        {
            return "(no log: " + e.Message + ")";
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            await Console.Error.WriteLineAsync($"warning: stopping the server (pid {_process.Id}) failed: {e.Message}");
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private long Status(string key)
    {
        var file = string.Create(CultureInfo.InvariantCulture, $"/proc/{_process.Id}/status");
        foreach (var line in File.Exists(file) ? File.ReadLines(file) : [])
        {
            if (line.StartsWith(key, StringComparison.Ordinal)
                && long.TryParse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture, out var kib))
            {
                return kib * 1024;
            }
        }

        return 0;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // the server is being stopped
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
