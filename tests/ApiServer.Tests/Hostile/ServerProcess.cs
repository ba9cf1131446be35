using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Clusterpedia.ApiServer.Tests.Hostile;

/// <summary>
/// The real server as a child process (the built Clusterpedia.ApiServer.dll next to the tests), so that an input
/// that kills it (a stack overflow, an out-of-memory) is a reported corpus case instead of a dead test host. The
/// SQLite database lives in the fixture's directory and survives a restart. The GC heap is capped so that an input
/// that expands in memory fails here instead of taking the shared machine's RAM.
/// </summary>
public sealed partial class ServerProcess(string directory) : IAsyncDisposable
{
    private const int _tailLines = 40;
    private readonly Queue<string> _tail = new();
    private Process? _process;
    private string? _crash;

    public Uri Url { get; private set; } = null!;

    /// <summary>How each earlier process ended, for the failure message.</summary>
    public List<string> Exits { get; } = [];

    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>
    /// Whether the process ends within <paramref name="grace"/>: a dying process (a stack overflow prints thousands of
    /// frames first) resets its connections before it is gone.
    /// </summary>
    public async Task<bool> DiesWithinAsync(TimeSpan grace)
    {
        if (_process is null)
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Clusterpedia.ApiServer.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing; build tests/ApiServer.Tests first");
        }

        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[]
        {
            "exec", dll,
            "--urls", "http://127.0.0.1:0", "--insecure-http", "--insecure-skip-auth",
            "--Storage:Engine", "sqlite",
            "--Storage:ConnectionString", $"Data Source={Path.Combine(directory, "clusterpedia.db")}",
            "--Synchro:HealthInterval", "00:00:02",
            "--Synchro:AllowLoopbackTargets", "true",
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information",
            "--Logging:Console:FormatterName", "simple",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["DOTNET_GCHeapHardLimit"] = "0x60000000"; // 1.5 GiB
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, listening);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, listening);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the server exited during start:\n" + Tail()));
        if (!process.Start())
        {
            throw new InvalidOperationException("cannot start dotnet");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Url = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    private void OnLine(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line.Length > 300 ? line[..300] : line);
            while (_tail.Count > _tailLines)
            {
                _tail.Dequeue();
            }
        }

        if (CrashPattern().IsMatch(line))
        {
            lock (_tail)
            {
                _crash ??= line.Length > 200 ? line[..200] : line;
            }
        }

        if (ListeningPattern().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    /// <summary>The last lines the server printed (a crash prints its reason there).</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    /// <summary>Records how the dead process ended and starts a new one on the same database.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(cancellationToken);
            Exits.Add($"exit code {_process.ExitCode}: {_crash ?? "(no reason printed)"}");
            _process.Dispose();
            _process = null;
        }

        lock (_tail)
        {
            _tail.Clear();
            _crash = null;
        }

        await StartAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }

    [GeneratedRegex(@"Stack overflow|OutOfMemory|Unhandled exception|Fatal error|GC heap", RegexOptions.IgnoreCase)]
    private static partial Regex CrashPattern();

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningPattern();
}
