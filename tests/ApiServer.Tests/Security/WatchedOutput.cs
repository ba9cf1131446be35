using System.Diagnostics;
using System.Text;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// The lines a long-running process (kubectl get -w) prints, collected as they come, so a test can wait for a line
/// by a condition (an event) instead of sleeping. Disposing kills the process.
/// </summary>
internal sealed class WatchedOutput : IDisposable
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _errors = new();
    private readonly Lock _lock = new();
    private int _consumed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WatchedOutput(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_lock)
            {
                _errors.AppendLine(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>The first line not yet consumed that matches; lines before it are consumed with it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what)
    {
        using var cancel = new CancellationTokenSource(_timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                for (; _consumed < _lines.Count; _consumed++)
                {
                    if (match(_lines[_consumed]))
                    {
                        return _lines[_consumed++];
                    }
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no line for {what} within {_timeout}; output:\n{Text}\nerrors:\n{Errors()}");
            }
        }
    }

    private string Errors()
    {
        lock (_lock)
        {
            return _errors.ToString();
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        TaskCompletionSource previous;
        lock (_lock)
        {
            _lines.Add(line);
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }

        _process.Dispose();
    }
}
