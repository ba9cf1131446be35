using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.Kube.Config;

/// <summary>
/// A token from an exec credential plugin (the <c>exec</c> user of EKS, GKE and AKS kubeconfigs): the command runs
/// with its args and env and <c>KUBERNETES_EXEC_INFO</c>, never with a terminal, for at most the policy's timeout;
/// its ExecCredential's <c>status.token</c> is kept until <c>status.expirationTimestamp</c> (or until the server
/// refuses it with 401) and the command runs again then. The plugin's stderr is never shown: plugins print tokens
/// and refresh secrets there when they fail.
/// </summary>
public sealed class ExecCredentialSource(ExecCredentialConfig config, ExecPluginPolicy policy, TimeProvider? timeProvider = null) : IBearerTokenSource, IDisposable
{
    private const int _maxOutputBytes = 1024 * 1024;

    // A token this close to its expiry is renewed rather than sent, so that it does not expire in flight.
    private static readonly TimeSpan _expiryMargin = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset? _expiry;

    /// <summary>How many times the plugin ran (tests, diagnostics).</summary>
    public int Runs { get; private set; }

    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is null || (_expiry is { } expiry && _time.GetUtcNow() >= expiry - _expiryMargin))
            {
                (_token, _expiry) = await RunAsync(cancellationToken).ConfigureAwait(false);
            }

            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate(string? token)
    {
        if (token is not null)
        {
            Interlocked.CompareExchange(ref _token, null, token);
        }
    }

    private async Task<(string Token, DateTimeOffset? Expiry)> RunAsync(CancellationToken cancellationToken)
    {
        var command = config.Command;
        if (!string.Equals(config.InteractiveMode, "Never", StringComparison.Ordinal) && !string.Equals(config.InteractiveMode, "IfAvailable", StringComparison.Ordinal))
        {
            // "Always": the plugin needs a person at a terminal, and a server has none.
            throw new KubeConnectionException($"exec plugin {command}: interactiveMode {config.InteractiveMode} needs a terminal; a server can run only plugins with interactiveMode Never or IfAvailable");
        }

        var psi = new ProcessStartInfo(command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in config.Args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in config.Env)
        {
            psi.Environment[name] = value;
        }

        psi.Environment["KUBERNETES_EXEC_INFO"] = ExecInfo();
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new KubeConnectionException($"exec plugin {command} cannot be started: {e.Message}", e);
        }

        Runs++;
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policy.Timeout);
        var stdout = ReadLimitedAsync(process.StandardOutput.BaseStream, timeout.Token);
        var stderr = ReadLimitedAsync(process.StandardError.BaseStream, timeout.Token);
        byte[] output;
        int errorBytes;
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            output = await stdout.ConfigureAwait(false);
            errorBytes = (await stderr.ConfigureAwait(false)).Length;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new KubeConnectionException($"exec plugin {command} did not finish within {policy.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s and was stopped");
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new KubeConnectionException($"exec plugin {command} exited with code {process.ExitCode} (its stderr, {errorBytes} bytes, is not shown: plugins may print secrets there)");
        }

        return Parse(output);
    }

    private (string Token, DateTimeOffset? Expiry) Parse(byte[] output)
    {
        var command = config.Command;
        try
        {
            using var document = JsonDocument.Parse(output);
            var root = document.RootElement;
            if (root.ValueKind is not JsonValueKind.Object
                || !root.TryGetProperty("kind", out var kind) || kind.ValueKind is not JsonValueKind.String || kind.GetString() != "ExecCredential")
            {
                throw new KubeConnectionException($"exec plugin {command} printed no ExecCredential (kind ExecCredential) on stdout");
            }

            var apiVersion = root.TryGetProperty("apiVersion", out var version) && version.ValueKind is JsonValueKind.String ? version.GetString() : null;
            if (apiVersion != config.ApiVersion)
            {
                throw new KubeConnectionException($"exec plugin {command} answered apiVersion {apiVersion ?? "(none)"}, the kubeconfig asks for {config.ApiVersion}");
            }

            if (!root.TryGetProperty("status", out var status) || status.ValueKind is not JsonValueKind.Object)
            {
                throw new KubeConnectionException($"exec plugin {command}: the ExecCredential has no status");
            }

            if (!status.TryGetProperty("token", out var token) || token.ValueKind is not JsonValueKind.String || token.GetString() is not { Length: > 0 } text)
            {
                throw new KubeConnectionException(status.TryGetProperty("clientCertificateData", out _)
                    ? $"exec plugin {command} returned a client certificate; only plugins that return status.token are supported"
                    : $"exec plugin {command}: the ExecCredential has no status.token");
            }

            DateTimeOffset? expiry = null;
            if (status.TryGetProperty("expirationTimestamp", out var expiration) && expiration.ValueKind is JsonValueKind.String)
            {
                if (!DateTimeOffset.TryParse(expiration.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    throw new KubeConnectionException($"exec plugin {command}: status.expirationTimestamp is not an RFC 3339 time");
                }

                expiry = parsed;
            }

            return (text, expiry);
        }
        catch (JsonException e)
        {
            throw new KubeConnectionException($"exec plugin {command} printed something that is not JSON on stdout (not shown)", e);
        }
    }

    // KUBERNETES_EXEC_INFO: the ExecCredential the plugin reads, spec.interactive always false, spec.cluster when asked for.
    private string ExecInfo()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion", config.ApiVersion);
            writer.WriteString("kind", "ExecCredential");
            writer.WriteStartObject("spec");
            if (config.ProvideClusterInfo)
            {
                var cluster = config.Cluster;
                writer.WriteStartObject("cluster");
                writer.WriteString("server", cluster.Server);
                if (cluster.TlsServerName is { Length: > 0 } name)
                {
                    writer.WriteString("tls-server-name", name);
                }

                if (cluster.InsecureSkipTlsVerify)
                {
                    writer.WriteBoolean("insecure-skip-tls-verify", true);
                }

                if (cluster.ProxyUrl is { Length: > 0 } proxy)
                {
                    writer.WriteString("proxy-url", proxy);
                }

                if (cluster.CertificateAuthorityPem is { Length: > 0 } ca)
                {
                    writer.WriteString("certificate-authority-data", Convert.ToBase64String(Encoding.UTF8.GetBytes(ca)));
                }

                writer.WriteEndObject();
            }

            writer.WriteBoolean("interactive", false);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private async Task<byte[]> ReadLimitedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (copy.Length + read > _maxOutputBytes)
            {
                throw new KubeConnectionException($"exec plugin {config.Command} printed more than {_maxOutputBytes} bytes");
            }

            copy.Write(chunk, 0, read);
        }

        return copy.ToArray();
    }

    public void Dispose() => _gate.Dispose();
}
