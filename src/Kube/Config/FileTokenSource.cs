using Clusterpedia.Kube.Client;

namespace Clusterpedia.Kube.Config;

/// <summary>
/// A kubeconfig <c>tokenFile</c> (or a projected ServiceAccount token) that is rotated under us: read again when the
/// file's modification time changes, at least once a minute (as client-go's cached token source), and at once after
/// the server refused the token.
/// </summary>
public sealed class FileTokenSource(string path, TimeProvider? timeProvider = null) : IBearerTokenSource, IDisposable
{
    /// <summary>Longest reuse of a read without looking at the file again (client-go: one minute).</summary>
    public static readonly TimeSpan RereadInterval = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTime _modified;
    private long _readAt;
    private bool _stale = true;

    public string Path { get; } = path;

    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var modified = File.GetLastWriteTimeUtc(Path);
            if (_stale || modified != _modified || _time.GetElapsedTime(_readAt) >= RereadInterval)
            {
                var text = await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false);
                _token = text.Trim() is { Length: > 0 } token ? token : null;
                _modified = modified;
                _readAt = _time.GetTimestamp();
                _stale = false;
            }

            return _token;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConnectionException($"token file {Path} cannot be read: {e.Message}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate(string? token)
    {
        if (string.Equals(token, Volatile.Read(ref _token), StringComparison.Ordinal))
        {
            _stale = true;
        }
    }

    public void Dispose() => _gate.Dispose();
}
